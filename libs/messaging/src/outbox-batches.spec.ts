import { describe, expect, it } from '@jest/globals';
import { StagedBatch } from './outbox-batches.js';
import type { OutboxEvent } from './outbox.js';

const event = (id: string): OutboxEvent => ({ id, type: 't', topic: 'x', key: 'k', dataschema: 's', time: new Date(0), data: {} });

/** A stand-in for the batches' collection that records the writes it is sent (the store is the integration test's). */
function recorder(matched = 1) {
  const calls: { op: string; filter: unknown; update?: unknown }[] = [];
  const collection = {
    updateOne: (filter: unknown, update: unknown) => {
      calls.push({ op: 'updateOne', filter, update });
      return Promise.resolve({ matchedCount: matched });
    },
    deleteOne: (filter: unknown) => {
      calls.push({ op: 'deleteOne', filter });
      return Promise.resolve({ deletedCount: matched });
    },
  };
  return { calls, collection: collection as never };
}

const writes = [
  { id: 'a', events: [event('e1'), event('e2')] },
  { id: 'b', events: [event('e3')] },
];

describe('StagedBatch (the writes of one outbox batch)', () => {
  it("guards each write against the batch's fence and marks the aggregate with the batch, keeping only still-staged batches' marks", () => {
    const batch = new StagedBatch('B2', recorder().collection, recorder().collection, writes);
    expect(batch.guard()).toEqual({ outboxBatches: { $ne: '!B2' } });
    expect(batch.marks({ outboxBatches: ['B0', '!B1', 'B1'] }, new Set(['B1']))).toEqual({ outboxBatches: ['B1', 'B2'] });
    expect(batch.marks({}, new Set())).toEqual({ outboxBatches: ['B2'] });
  });

  it('commits by renaming the staged events when every write landed, and only while the batch is staged', async () => {
    const { calls, collection } = recorder();
    await new StagedBatch('B', collection, recorder().collection, writes).commit(new Set(['a', 'b']));
    expect(calls).toEqual([
      { op: 'updateOne', filter: { _id: 'B', staged: { $exists: true } }, update: { $rename: { staged: 'outbox' }, $unset: { refs: 1 } } },
    ]);
  });

  it('commits the events of the writes that landed only, in their order', async () => {
    const { calls, collection } = recorder();
    await new StagedBatch('B', collection, recorder().collection, writes).commit(new Set(['a']));
    expect(calls).toEqual([
      {
        op: 'updateOne',
        filter: { _id: 'B', staged: { $exists: true } },
        update: { $set: { outbox: [event('e1'), event('e2')] }, $unset: { staged: 1, refs: 1 } },
      },
    ]);
  });

  it('drops the batch when no write landed', async () => {
    const { calls, collection } = recorder();
    await new StagedBatch('B', collection, recorder().collection, writes).commit(new Set());
    expect(calls).toEqual([{ op: 'deleteOne', filter: { _id: 'B', staged: { $exists: true } } }]);
  });
});

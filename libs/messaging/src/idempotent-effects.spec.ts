import { describe, expect, it } from '@jest/globals';
import type { Document } from 'mongodb';
import { applyNewest, applyOnce, insertOnce, type WritableCollection } from './idempotent-effects.js';

function recorder(fail?: { code: number }) {
  const calls: { filter?: Document; update?: Document; options?: Document; doc?: Document }[] = [];
  const collection: WritableCollection = {
    updateOne: (filter, update, options) => {
      calls.push({ filter, update, options });
      return fail ? Promise.reject(Object.assign(new Error('E11000 duplicate key'), fail)) : Promise.resolve({});
    },
    insertOne: (doc) => {
      calls.push({ doc });
      return fail ? Promise.reject(Object.assign(new Error('E11000 duplicate key'), fail)) : Promise.resolve({});
    },
  };
  return { collection, calls };
}

describe('effect and mark in one write', () => {
  it('guards a versioned upsert by the stored version and records version and event id with the effect', async () => {
    const { collection, calls } = recorder();
    await expect(
      applyOnce(collection, { _id: 's-1', eventId: 'e-7', version: 3, update: { $set: { name: 'x' }, $inc: { n: 1 } } }),
    ).resolves.toBe('applied');
    expect(calls).toEqual([
      {
        filter: { _id: 's-1', version: { $lt: 3 } },
        update: { $set: { name: 'x', version: 3, lastEventId: 'e-7' }, $inc: { n: 1 } },
        options: { upsert: true },
      },
    ]);
  });

  it('without a version, guards by the ids of the events applied and pushes this one in the same write', async () => {
    const { collection, calls } = recorder();
    await applyOnce(collection, { _id: 's-1', eventId: 'e-8', update: { $inc: { count: 1 }, $push: { ns: 4 } } });
    expect(calls[0]).toMatchObject({
      filter: { _id: 's-1', appliedEventIds: { $ne: 'e-8' } },
      update: { $inc: { count: 1 }, $push: { ns: 4, appliedEventIds: 'e-8' } },
    });
  });

  it('reports a duplicate when the guarded upsert collides on _id, and rethrows anything else', async () => {
    await expect(applyOnce(recorder({ code: 11000 }).collection, { _id: 'a', eventId: 'e', version: 1, update: {} })).resolves.toBe(
      'duplicate',
    );
    await expect(insertOnce(recorder({ code: 11000 }).collection, { _id: 'e' })).resolves.toBe('duplicate');
    await expect(insertOnce(recorder({ code: 2 }).collection, { _id: 'e' })).rejects.toThrow('E11000');
  });
});

describe('newest state of a run, in bulk (applyNewest)', () => {
  const bulk = (fail?: Error) => {
    const commands: Document[][] = [];
    return {
      commands,
      collection: {
        bulkWrite: (operations: never[]) => {
          commands.push(operations);
          return fail ? Promise.reject(fail) : Promise.resolve({});
        },
      },
    };
  };
  const states = Array.from({ length: 120 }, (_, i) => ({ _id: `d${i}`, version: 2, eventId: `e${i}`, set: { hours: i } }));

  it('upserts each state where the stored version is not newer, 50 statements per command', async () => {
    const { collection, commands } = bulk();
    await applyNewest(collection, states);
    expect(commands.map((c) => c.length)).toEqual([50, 50, 20]);
    expect(commands[0][0]).toEqual({
      updateOne: {
        filter: { _id: 'd0', version: { $lte: 2 } },
        update: { $set: { hours: 0, version: 2, lastEventId: 'e0' } },
        upsert: true,
      },
    });
  });

  it('skips the documents already at a newer version (their upserts collide on _id) and rethrows any other failure', async () => {
    const duplicates = Object.assign(new Error('bulk'), { writeErrors: [{ code: 11000, index: 3 }] });
    await expect(applyNewest(bulk(duplicates).collection, states)).resolves.toBeUndefined();
    const other = Object.assign(new Error('bulk'), {
      writeErrors: [
        { code: 11000, index: 3 },
        { code: 2, index: 4 },
      ],
    });
    await expect(applyNewest(bulk(other).collection, states)).rejects.toThrow('bulk');
  });
});

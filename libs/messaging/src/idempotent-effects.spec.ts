import { describe, expect, it } from '@jest/globals';
import type { Document } from 'mongodb';
import { applyOnce, applyOnceMany, insertOnce, type WritableCollection } from './idempotent-effects.js';

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

  it('applies a run in unordered bulk commands of 50 with the same guard, one by one when a command collides', async () => {
    const bulks: Document[][] = [];
    const singles: Document[] = [];
    let collide = false;
    const collection = {
      bulkWrite: (ops: never[]) => {
        bulks.push(ops);
        return collide
          ? Promise.reject(Object.assign(new Error('bulk'), { writeErrors: [{ index: 0, code: 11000 }] }))
          : Promise.resolve({});
      },
      updateOne: (filter: Document) => {
        singles.push(filter);
        return filter['_id'] === 'd1' ? Promise.reject(Object.assign(new Error('E11000'), { code: 11000 })) : Promise.resolve({});
      },
      insertOne: () => Promise.resolve({}),
    };
    const inputs = Array.from({ length: 120 }, (_, i) => ({ _id: `d${i}`, eventId: `e${i}`, version: 2, update: { $set: { n: i } } }));
    await applyOnceMany(collection, inputs);
    expect(bulks.map((b) => b.length)).toEqual([50, 50, 20]);
    expect(bulks[0][1]).toEqual({
      updateOne: { filter: { _id: 'd1', version: { $lt: 2 } }, update: { $set: { n: 1, version: 2, lastEventId: 'e1' } }, upsert: true },
    });
    expect(singles).toEqual([]);

    collide = true;
    await applyOnceMany(collection, inputs.slice(0, 3));
    expect(singles.map((f) => f['_id'] as string)).toEqual(['d0', 'd1', 'd2']);
    const failing = { ...collection, bulkWrite: () => Promise.reject(Object.assign(new Error('down'), { code: 91 })) };
    await expect(applyOnceMany(failing, inputs.slice(0, 1))).rejects.toThrow('down');
  });
});

describe('newest state of a run, applied again at an equal version (sameVersion: apply)', () => {
  it('guards by a stored version not newer, in bulk and one by one after a collision', async () => {
    const bulks: Document[][] = [];
    const singles: Document[] = [];
    const collection = {
      bulkWrite: (ops: never[]) => {
        bulks.push(ops);
        return Promise.reject(Object.assign(new Error('bulk'), { writeErrors: [{ index: 0, code: 11000 }] }));
      },
      updateOne: (filter: Document) => {
        singles.push(filter);
        return filter['_id'] === 'd0' ? Promise.reject(Object.assign(new Error('E11000'), { code: 11000 })) : Promise.resolve({});
      },
      insertOne: () => Promise.resolve({}),
    };
    const states = ['d0', 'd1'].map((_id, i) => ({
      _id,
      eventId: `e${i}`,
      version: 2,
      sameVersion: 'apply' as const,
      update: { $set: { hours: 4 } },
    }));
    await applyOnceMany(collection, states);
    expect(bulks[0][1]).toEqual({
      updateOne: {
        filter: { _id: 'd1', version: { $lte: 2 } },
        update: { $set: { hours: 4, version: 2, lastEventId: 'e1' } },
        upsert: true,
      },
    });
    // The local store stops an unordered command at its first failing statement: the rest are applied one by one.
    expect(singles).toEqual([
      { _id: 'd0', version: { $lte: 2 } },
      { _id: 'd1', version: { $lte: 2 } },
    ]);
    await expect(applyOnce(collection, states[0])).resolves.toBe('duplicate');
  });
});

import { describe, expect, it } from '@jest/globals';
import type { Document } from 'mongodb';
import { bulkWriteInCommands, findByIds } from './by-ids.js';

describe('reads by _id lists and writes in commands', () => {
  it('asks for each id once, in lists of at most 1,000, with the projection given', async () => {
    const asked: { ids: string[]; options?: Document }[] = [];
    const collection = {
      find: (filter: Document, options?: Document) => {
        const ids = (filter['_id'] as { $in: string[] }).$in;
        asked.push({ ids, options });
        return { toArray: () => Promise.resolve(ids.filter((id) => id !== 'x3').map((_id) => ({ _id }))) };
      },
    };
    const ids = Array.from({ length: 2_500 }, (_, i) => `x${i}`);
    const docs = await findByIds(collection, [...ids, 'x1', 'x2'], { n: 1 });
    expect(asked.map((a) => a.ids.length)).toEqual([1_000, 1_000, 500]);
    expect(asked[0].options).toEqual({ projection: { n: 1 } });
    expect(docs).toHaveLength(2_499);
    expect(await findByIds(collection, [])).toEqual([]);
    expect(asked).toHaveLength(3);
  });

  it('writes in commands of 50 statements in order, ordered unless told otherwise', async () => {
    const commands: { ops: never[]; ordered: boolean }[] = [];
    const collection = {
      bulkWrite: (ops: never[], options: { ordered: boolean }) => {
        commands.push({ ops, ordered: options.ordered });
        return Promise.resolve({});
      },
    };
    const ops = Array.from({ length: 120 }, (_, i) => ({ insertOne: { document: { _id: i } } }));
    await bulkWriteInCommands(collection, ops);
    await bulkWriteInCommands(collection, ops.slice(0, 3), { ordered: false });
    expect(commands.map((c) => [c.ops.length, c.ordered])).toEqual([
      [50, true],
      [50, true],
      [20, true],
      [3, false],
    ]);
    expect(commands.flatMap((c) => c.ops).slice(0, 120)).toEqual(ops);
  });
});

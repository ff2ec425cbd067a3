import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Connection } from 'mongoose';
import { connectStore, unique } from './support.js';

// The outbox (a service's $push against the relay's $pullAll on one document), the relay lease and
// the outbox sequence all need each single-document update applied atomically, as MongoDB does.
// FerretDB 1.24 alone does not (FerretDB#3040); the local store serialises such updates per
// document, or per collection when they do not name their documents by _id
// (deploy/local/ferretdb/atomic_proxy.go). This test fails on a store that loses updates.
describe('the store applies concurrent updates of one document atomically', () => {
  let connection: Connection;

  beforeAll(async () => {
    connection = await connectStore(unique('atomicity'));
  });
  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  it('loses none of 3 x 150 concurrent $inc, nor a $push racing a $pullAll', async () => {
    const counters = connection.collection<{ _id: string; n: number }>('counters');
    await counters.insertOne({ _id: 'c', n: 0 });
    await Promise.all(
      [1, 2, 3].map(async () => {
        for (let i = 0; i < 150; i++) await counters.updateOne({ _id: 'c' }, { $inc: { n: 1 } });
      }),
    );
    expect((await counters.findOne({ _id: 'c' }))?.n).toBe(450);

    const docs = connection.collection<{ _id: string; outbox: { id: number }[] }>('docs');
    await docs.insertOne({ _id: 'd', outbox: [] });
    let writing = true;
    let pulled = 0;
    const writer = (async () => {
      for (let i = 0; i < 200; i++) await docs.updateOne({ _id: 'd' }, { $push: { outbox: { id: i } } });
      writing = false;
    })();
    const relay = (async () => {
      while (writing) {
        const doc = await docs.findOne({ _id: 'd' });
        if (doc && doc.outbox.length > 0) {
          await docs.updateOne({ _id: 'd' }, { $pullAll: { outbox: doc.outbox } });
          pulled += doc.outbox.length;
        }
      }
    })();
    await Promise.all([writer, relay]);
    const left = (await docs.findOne({ _id: 'd' }))?.outbox.length ?? 0;
    expect(pulled + left).toBe(200);
  });

  it('loses none when updates by _id (single, findOneAndUpdate, a bulk of many, $in) race updates by another field and updateMany', async () => {
    const col = connection.collection<{ _id: string; group: string; name: string; n: number }>('mixed');
    const ids = ['a', 'b', 'c', 'd'];
    await col.insertMany(ids.map((id) => ({ _id: id, group: 'g', name: `name-${id}`, n: 0 })));
    const rounds = 40;
    await Promise.all([
      // by _id, one statement each
      ...ids.map(async (id) => {
        for (let i = 0; i < rounds; i++) await col.updateOne({ _id: id }, { $inc: { n: 1 } });
      }),
      // findOneAndUpdate by _id with another condition
      (async () => {
        for (let i = 0; i < rounds; i++) await col.findOneAndUpdate({ _id: 'a', group: 'g' }, { $inc: { n: 1 } });
      })(),
      // one command of many statements by _id, as the outbox relay sends its $pullAll
      (async () => {
        for (let i = 0; i < rounds; i++)
          await col.bulkWrite(
            ids.map((id) => ({ updateOne: { filter: { _id: id }, update: { $inc: { n: 1 } } } })),
            { ordered: false },
          );
      })(),
      // many documents by _id $in, as the outbox relay removes what it published
      (async () => {
        for (let i = 0; i < rounds; i++) await col.updateMany({ _id: { $in: ['c', 'd'] } }, { $inc: { n: 1 } });
      })(),
      // by another field: the collection to itself
      (async () => {
        for (let i = 0; i < rounds; i++) await col.updateOne({ name: 'name-b' }, { $inc: { n: 1 } });
      })(),
      (async () => {
        for (let i = 0; i < rounds; i++) await col.updateMany({ group: 'g' }, { $inc: { n: 1 } });
      })(),
    ]);
    const n = Object.fromEntries((await col.find().toArray()).map((d) => [d._id, d.n]));
    // each: its own rounds, the bulk's, updateMany's; plus findOneAndUpdate's for a, the name filter's for b, $in's for c and d
    expect(n).toEqual({ a: 4 * rounds, b: 4 * rounds, c: 4 * rounds, d: 4 * rounds });
  });
});

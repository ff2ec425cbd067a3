import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { MongoHealthIndicator } from './mongo.health.js';
import { PersistenceModule } from './persistence.module.js';

// One database per test file (ARCHITECTURE.md §9), on the real store the tier started.
const dbName = `it_persistence_${randomBytes(3).toString('hex')}`;

describe('PersistenceModule on the real store', () => {
  let app: TestingModule;
  let connection: Connection;

  beforeAll(async () => {
    app = await Test.createTestingModule({
      imports: [PersistenceModule.forRoot({ uri: process.env['MONGODB_URI'] ?? '', dbName })],
    }).compile();
    await app.init();
    connection = app.get<Connection>(getConnectionToken());
  });
  afterAll(async () => {
    await connection.dropDatabase();
    await app.close();
  });

  it("connects to the service's own database and reports it up", async () => {
    const result = await app.get(MongoHealthIndicator).isHealthy('store');
    expect(result).toEqual({ store: { status: 'up', database: dbName } });
  });

  it('refuses a duplicate on a unique index with code 11000', async () => {
    const col = connection.collection('unique_probe');
    await col.createIndex({ code: 1 }, { unique: true });
    await col.insertOne({ code: 'A' });
    await expect(col.insertOne({ code: 'A' })).rejects.toMatchObject({ code: 11000 });
  });

  it('removes exact outbox entries with $pullAll and keeps the ones appended since', async () => {
    const col = connection.collection<{ _id: string; outbox: { id: string; time: Date; data: object }[] }>('pull_probe');
    const first = { id: 'e1', time: new Date(), data: { a: 1, list: ['x'] } };
    await col.insertOne({ _id: 'agg', outbox: [first] });
    const read = await col.findOne({ _id: 'agg' });
    await col.updateOne({ _id: 'agg' }, { $push: { outbox: { id: 'e2', time: new Date(), data: {} } } });
    await col.updateOne({ _id: 'agg' }, { $pullAll: { outbox: read!.outbox } });
    expect((await col.findOne({ _id: 'agg' }))?.outbox.map((e) => e.id)).toEqual(['e2']);
  });

  it("removes each document's own published entries with one $pullAll of a chunk's entries, by _id $in", async () => {
    type Entry = { id: string; data: object };
    const col = connection.collection<{ _id: string; outbox: Entry[] }>('pull_many_probe');
    await col.insertMany([
      {
        _id: 'a',
        outbox: [
          { id: 'e1', data: { n: 1 } },
          { id: 'e2', data: { n: 2 } },
        ],
      },
      { _id: 'b', outbox: [{ id: 'e3', data: { n: 3 } }] },
      { _id: 'c', outbox: [{ id: 'e4', data: { n: 4 } }] },
    ]);
    const read = await col.find({ _id: { $in: ['a', 'b'] } }).toArray();
    await col.updateOne({ _id: 'b' }, { $push: { outbox: { id: 'e5', data: {} } } });
    // what the relay published: a's first entry and b's entry as read; c is not in the chunk
    const published = [read.find((d) => d._id === 'a')!.outbox[0], ...read.find((d) => d._id === 'b')!.outbox];
    await col.updateMany({ _id: { $in: ['a', 'b'] } }, { $pullAll: { outbox: published } });
    const left = Object.fromEntries((await col.find().toArray()).map((d) => [d._id, d.outbox.map((e) => e.id)]));
    expect(left).toEqual({ a: ['e2'], b: ['e5'], c: ['e4'] });
  });

  // FerretDB 1.24.2 as released scans the table for these (ADR 0003: deploy/local/ferretdb/patches.json).
  it.each<[string, Record<string, unknown>, string[]]>([
    ['_id alone', { _id: 'u42' }, ['u42']],
    ['_id with another field (a version check, a scope check)', { _id: 'u42', version: 3 }, ['u42']],
    ['a list of _ids', { _id: { $in: ['u1', 'u2', 'u42'] } }, ['u1', 'u2', 'u42']],
    ['a list of _ids with another field', { _id: { $in: ['u1', 'u42'] }, version: 3 }, ['u1', 'u42']],
  ])('answers a lookup by %s from the _id index', async (_what, filter, ids) => {
    const col = connection.collection<{ _id: string; version: number }>('id_index_probe');
    await col.insertMany(Array.from({ length: 50 }, (_, i) => ({ _id: `u${i}`, version: 3 })));
    const plan = JSON.stringify(await connection.db!.command({ explain: { find: 'id_index_probe', filter }, verbosity: 'queryPlanner' }));
    // FerretDB reports SQLite's plan (SEARCH ... USING INDEX ..._id_); MongoDB an IDHACK, EXPRESS or IXSCAN stage.
    expect(plan).toMatch(/USING INDEX \S+__id_|IDHACK|EXPRESS_IXSCAN|IXSCAN/);
    expect(plan).not.toMatch(/SCAN id_index_probe|COLLSCAN/);
    // Narrowed by the index, still filtered by every field.
    expect((await col.find(filter).toArray()).map((d) => d._id).sort()).toEqual([...ids].sort());
    expect(await col.countDocuments({ ...filter, version: 4 })).toBe(0);
    await col.deleteMany({});
  });

  // FerretDB 1.24.2 decodes every document for the outbox relay's query; the patched store lets SQLite
  // test each row's JSON instead (patches.json, presencePushdown). Results must not change.
  it("finds the documents with pending outbox entries, and only those, with the relay's query", async () => {
    const col = connection.collection<{ _id: string; outbox?: unknown }>('presence_probe');
    // The index withOutbox declares: on the patched store, a partial index of the rows with entries.
    await col.createIndex({ 'outbox.id': 1 });
    await col.insertMany([
      { _id: 'pending', outbox: [{ id: 'e1' }, { id: 'e2' }] },
      { _id: 'drained', outbox: [] },
      { _id: 'never' },
      { _id: 'null', outbox: null },
      { _id: 'object', outbox: { id: 'e3' } },
      { _id: 'empty-id', outbox: [{ id: '' }] },
      { _id: 'scalar', outbox: 'e4' },
    ]);
    const ids = async (filter: Record<string, unknown>) => (await col.find(filter).toArray()).map((d) => d._id).sort();
    expect(await ids({ 'outbox.id': { $gt: '' } })).toEqual(['object', 'pending']);
    expect(await ids({ 'outbox.id': { $gte: '' } })).toEqual(['empty-id', 'object', 'pending']);
    expect(await ids({ 'outbox.id': { $lt: 'e2' } })).toEqual(['empty-id', 'pending']);
    // Conditions the pushdown leaves alone (they can match a missing field or an empty array).
    expect(await ids({ outbox: { $exists: false } })).toEqual(['never']);
    expect(await ids({ outbox: { $size: 0 } })).toEqual(['drained']);
    expect(await ids({ 'outbox.id': { $exists: false } })).toEqual(['drained', 'never', 'null', 'scalar']);
    const explained = (await connection.db!.command({
      explain: { find: 'presence_probe', filter: { 'outbox.id': { $gt: '' } } },
      verbosity: 'queryPlanner',
    })) as {
      filterPushdown?: boolean;
      queryPlanner?: unknown;
    };
    // FerretDB says whether it narrowed the scan; MongoDB has no such field. Both read the index.
    if ('filterPushdown' in explained) expect(explained.filterPushdown).toBe(true);
    expect(JSON.stringify(explained)).toMatch(/USING INDEX \S+_outbox\.id_1|IXSCAN/);
  });

  // The same patch narrows equalities on a top-level field (a unit's children, a school's party
  // organisations): a string or boolean equal to the value, or an array that may hold it.
  it.each<[string, Record<string, unknown>, string[]]>([
    ['a string', { parentId: 'k1' }, ['a', 'tags']],
    ['a string and another condition', { parentId: 'k1', active: true }, ['a', 'tags']],
    ['false', { active: false }, ['b', 'flags']],
    ['a string absent everywhere', { parentId: 'nowhere' }, []],
    ['a string with characters JSON escapes', { parentId: '<k&"2">' }, ['escaped']],
  ])('finds by %s exactly what MongoDB finds', async (_what, filter, ids) => {
    const col = connection.collection<{ _id: string }>('equality_probe');
    if ((await col.estimatedDocumentCount()) === 0) {
      await col.insertMany([
        { _id: 'a', parentId: 'k1', active: true },
        { _id: 'b', parentId: 'k2', active: false },
        { _id: 'tags', parentId: ['k0', 'k1'], active: [true] },
        { _id: 'flags', parentId: 7, active: [false, true] },
        { _id: 'missing' },
        { _id: 'nested', parentId: { id: 'k1' } },
        { _id: 'escaped', parentId: '<k&"2">', active: 'false' },
      ] as { _id: string }[]);
    }
    expect((await col.find(filter).toArray()).map((d) => d._id).sort()).toEqual([...ids].sort());
  });

  // And date ranges on a top-level field (the notice scheduler's "due by now", and its delete).
  it.each<[string, Record<string, unknown>, string[]]>([
    ['at or before a date', { fireAt: { $lte: new Date('2026-11-10T00:00:00Z') } }, ['early', 'exact', 'list']],
    ['after a date', { fireAt: { $gt: new Date('2026-11-10T00:00:00Z') } }, ['late', 'list']],
    ['within two dates', { fireAt: { $gt: new Date('2026-11-01T00:00:00Z'), $lt: new Date('2026-11-20T00:00:00Z') } }, ['exact', 'list']],
    ['a date and a number (left to the store)', { fireAt: { $gt: new Date('2026-11-01T00:00:00Z'), $lt: 5 } }, []],
  ])('finds by a range %s exactly what MongoDB finds, and deletes the same', async (_what, filter, ids) => {
    const col = connection.collection<{ _id: string }>('date_probe');
    await col.deleteMany({});
    await col.insertMany([
      { _id: 'early', fireAt: new Date('2026-10-01T00:00:00Z') },
      { _id: 'exact', fireAt: new Date('2026-11-10T00:00:00Z') },
      { _id: 'late', fireAt: new Date('2026-12-01T00:00:00Z') },
      { _id: 'list', fireAt: [new Date('2026-09-01T00:00:00Z'), new Date('2026-11-15T00:00:00Z')] },
      { _id: 'number', fireAt: 1 },
      { _id: 'text', fireAt: '2026-10-01' },
      { _id: 'null', fireAt: null },
      { _id: 'object', fireAt: { at: new Date('2026-10-01T00:00:00Z') } },
      { _id: 'missing' },
    ] as { _id: string }[]);
    expect((await col.find(filter).toArray()).map((d) => d._id).sort()).toEqual([...ids].sort());
    const { deletedCount } = await col.deleteMany(filter);
    expect(deletedCount).toBe(ids.length);
    expect(await col.countDocuments()).toBe(9 - ids.length);
  });

  it('narrows a date range in the store itself (explain)', async () => {
    const explained = (await connection.db!.command({
      explain: { find: 'date_probe', filter: { fireAt: { $lte: new Date() } } },
      verbosity: 'queryPlanner',
    })) as { filterPushdown?: boolean };
    // FerretDB says whether it narrowed the scan; MongoDB has no such field.
    if ('filterPushdown' in explained) expect(explained.filterPushdown).toBe(true);
    expect(explained).toBeDefined();
  });
});

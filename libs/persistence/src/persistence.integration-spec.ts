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
});

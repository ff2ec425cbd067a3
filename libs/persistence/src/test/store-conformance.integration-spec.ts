import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import mongoose, { type Collection, type Connection } from 'mongoose';
import { insertNew } from '../insert-new.js';

// The MongoDB behaviours the services and libs rely on, each stated once against the store the tier
// runs (the local FerretDB, or any MongoDB that MONGODB_URI names): every assertion holds on both, so
// a store that breaks one fails here before a service does (docs/adr/0011-store-conformance.md).
// Concurrent updates of one document across update forms: libs/messaging/src/test/store-atomicity.
const dbName = `store-conformance-${randomBytes(3).toString('hex')}`;

interface Doc {
  _id: string;
  [field: string]: unknown;
}

/** The code of each write error of a bulk or unordered insert error (the driver gives one or a list). */
function writeErrorCodes(err: unknown): { code?: number; index: number }[] {
  const errors = (err as { writeErrors?: { code?: number; index: number }[] | { code?: number; index: number } }).writeErrors;
  return Array.isArray(errors) ? errors : errors ? [errors] : [];
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('the write succeeded; it was expected to fail');
}

describe('store conformance: the MongoDB behaviours the code relies on', () => {
  let connection: Connection;
  let n = 0;
  /** A fresh collection per case, so cases do not see each other's documents. */
  const fresh = <T extends Doc = Doc>(name: string): Collection<T> => connection.collection<T>(`${name}_${++n}`);

  beforeAll(async () => {
    connection = await mongoose
      .createConnection(process.env['MONGODB_URI'] ?? '', {
        dbName,
        serverSelectionTimeoutMS: 10_000,
      })
      .asPromise();
  });
  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  describe('single-document atomicity under concurrency', () => {
    it('keeps all 400 concurrent $inc of one document (OutboxRelay.sequence, compliance counters, login throttle)', async () => {
      const col = fresh<{ _id: string; n: number }>('inc');
      await col.insertOne({ _id: 'c', n: 0 });
      await Promise.all(Array.from({ length: 400 }, () => col.updateOne({ _id: 'c' }, { $inc: { n: 1 } })));
      expect((await col.findOne({ _id: 'c' }))?.n).toBe(400);
    });

    it('loses nothing when concurrent $push and $set change different fields of one document (aggregate writes beside the relay)', async () => {
      const col = fresh<{ _id: string; outbox: number[]; fields: Record<string, number> }>('push_set');
      await col.insertOne({ _id: 'd', outbox: [], fields: {} });
      await Promise.all([
        ...Array.from({ length: 100 }, (_, i) => col.updateOne({ _id: 'd' }, { $push: { outbox: i } })),
        ...Array.from({ length: 100 }, (_, i) => col.updateOne({ _id: 'd' }, { $set: { [`fields.f${i}`]: i } })),
      ]);
      const doc = await col.findOne({ _id: 'd' });
      expect([...doc!.outbox].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
      expect(Object.keys(doc!.fields)).toHaveLength(100);
    });

    it('lets exactly one of 20 concurrent writers expecting version 1 win (version-guarded updates: accounts, members, reports)', async () => {
      const col = fresh<{ _id: string; version: number; by?: number }>('version');
      await col.insertOne({ _id: 'a', version: 1 });
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => col.updateOne({ _id: 'a', version: 1 }, { $set: { by: i }, $inc: { version: 1 } })),
      );
      const winners = results.map((r, i) => (r.matchedCount === 1 ? i : -1)).filter((i) => i >= 0);
      expect(winners).toHaveLength(1);
      expect(results.filter((r) => r.matchedCount === 0)).toHaveLength(19);
      expect(await col.findOne({ _id: 'a' })).toEqual({ _id: 'a', version: 2, by: winners[0] });
    });

    it('reports modifiedCount 0 to the loser of a conditional update (SessionsService.rotate: a reused refresh token)', async () => {
      const col = fresh<{ _id: string; tokenHash: string; revokedAt: Date | null }>('rotate');
      await col.insertOne({ _id: 's', tokenHash: 'h0', revokedAt: null });
      const results = await Promise.all(
        [1, 2].map((i) => col.updateOne({ _id: 's', tokenHash: 'h0', revokedAt: null }, { $set: { tokenHash: `h${i}` } })),
      );
      expect(results.map((r) => r.modifiedCount).sort()).toEqual([0, 1]);
    });
  });

  describe('unique index and duplicate key (11000)', () => {
    it('refuses insertOne of an existing _id (ProcessedEventLedger.mark, insertOnce, persistence Lease claims)', async () => {
      const col = fresh('dup_id');
      await col.insertOne({ _id: 'x' });
      await expect(col.insertOne({ _id: 'x' })).rejects.toMatchObject({ code: 11000 });
    });

    it('refuses insertOne of an existing value of a unique secondary index (account usernames, org unit codes)', async () => {
      const col = fresh('dup_index');
      await col.createIndex({ code: 1 }, { unique: true });
      await col.insertOne({ _id: 'a', code: 'C1' });
      await expect(col.insertOne({ _id: 'b', code: 'C1' })).rejects.toMatchObject({ code: 11000 });
    });

    it('makes an upsert whose filter misses an existing _id collide (applyOnce guard, outbox Lease.acquire)', async () => {
      const col = fresh<{ _id: string; version: number }>('upsert_collide');
      await col.insertOne({ _id: 'u', version: 5 });
      await expect(col.updateOne({ _id: 'u', version: { $lt: 3 } }, { $set: { version: 3 } }, { upsert: true })).rejects.toMatchObject({
        code: 11000,
      });
      expect(await col.findOne({ _id: 'u' })).toEqual({ _id: 'u', version: 5 });
    });

    it('makes findOneAndUpdate with an upsert collide when an $or filter misses (outbox Lease.acquire: a lease held by another)', async () => {
      const col = fresh<{ _id: string; holder: string; expiresAt: Date }>('lease_collide');
      await col.insertOne({ _id: 'svc', holder: 'a', expiresAt: new Date(Date.now() + 60_000) });
      await expect(
        col.findOneAndUpdate(
          { _id: 'svc', $or: [{ holder: 'b' }, { expiresAt: { $lt: new Date() } }] },
          { $set: { holder: 'b' } },
          { upsert: true, returnDocument: 'before' },
        ),
      ).rejects.toMatchObject({ code: 11000 });
    });

    it('inserts the others and reports each duplicate with its index with insertMany ordered: false (insertNew, ProcessedEventLedger.markAll)', async () => {
      const col = fresh('insert_unordered');
      await col.insertMany([{ _id: 'b' }, { _id: 'd' }]);
      const err = await rejection(
        col.insertMany([{ _id: 'a' }, { _id: 'b' }, { _id: 'c' }, { _id: 'd' }, { _id: 'e' }], { ordered: false }),
      );
      const errors = writeErrorCodes(err);
      expect(errors.map((e) => [e.index, e.code]).sort()).toEqual([
        [1, 11000],
        [3, 11000],
      ]);
      expect((await col.find().toArray()).map((d) => d._id).sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
      // insertNew turns that error into the ids it inserted.
      expect(await insertNew(col, [{ _id: 'e' }, { _id: 'f' }, { _id: 'a' }])).toEqual(new Set(['f']));
    });

    it('stops at the first duplicate with insertMany ordered: true, keeping what came before (OrgUnitsService.createBatch)', async () => {
      const col = fresh('insert_ordered');
      await col.insertOne({ _id: 'b' });
      await expect(col.insertMany([{ _id: 'a' }, { _id: 'b' }, { _id: 'c' }], { ordered: true })).rejects.toMatchObject({ code: 11000 });
      expect((await col.find().toArray()).map((d) => d._id).sort()).toEqual(['a', 'b']);
    });
  });

  describe('queries', () => {
    it('matches $in on _id and on another field, and $ne on _id (ledger.seen, partyOrgs by unit, subtree without its root)', async () => {
      const col = fresh<{ _id: string; unitId: string }>('in');
      await col.insertMany(['a', 'b', 'c', 'd'].map((id, i) => ({ _id: id, unitId: `u${i % 2}` })));
      expect((await col.find({ _id: { $in: ['a', 'c', 'zz'] } }).toArray()).map((d) => d._id).sort()).toEqual(['a', 'c']);
      expect((await col.find({ unitId: { $in: ['u1'] } }).toArray()).map((d) => d._id).sort()).toEqual(['b', 'd']);
      expect((await col.find({ unitId: 'u0', _id: { $ne: 'a' } }).toArray()).map((d) => d._id)).toEqual(['c']);
    });

    it('matches a scalar against an array field by element, with $in and $ne on arrays (org unit paths, pendingReviewers, applyOnce ids)', async () => {
      const col = fresh<{ _id: string; path: string[]; roles: string[] }>('arrays');
      await col.insertMany([
        { _id: 'city', path: ['city'], roles: ['a'] },
        { _id: 'county', path: ['city', 'county'], roles: ['b'] },
        { _id: 'school', path: ['city', 'county', 'school'], roles: ['a', 'c'] },
      ]);
      expect((await col.find({ path: 'county' }).toArray()).map((d) => d._id).sort()).toEqual(['county', 'school']); // OrgUnitDirectory.subtreeIds
      expect((await col.find({ roles: { $in: ['c', 'x'] } }).toArray()).map((d) => d._id)).toEqual(['school']);
      // $ne on an array: no element equals it (applyOnce's appliedEventIds guard).
      expect((await col.find({ roles: { $ne: 'a' } }).toArray()).map((d) => d._id)).toEqual(['county']);
      expect(await col.countDocuments({ _id: 'school', path: 'county' }, { limit: 1 })).toBe(1); // a unit inside a subtree, in one read
    });

    it('treats null as null-or-missing and $ne: null as present, and $exists on a nested field (inbox, deadline scheduler, compliance CAS)', async () => {
      const col = fresh<{ _id: string; archivedAt?: Date | null; applied?: Record<string, number> }>('nulls');
      await col.insertMany([
        { _id: 'null', archivedAt: null },
        { _id: 'missing' },
        { _id: 'set', archivedAt: new Date(), applied: { p0: 4 } },
      ]);
      expect((await col.find({ archivedAt: null }).toArray()).map((d) => d._id).sort()).toEqual(['missing', 'null']);
      expect((await col.find({ archivedAt: { $ne: null } }).toArray()).map((d) => d._id)).toEqual(['set']);
      expect((await col.find({ 'applied.p0': { $exists: false } }).toArray()).map((d) => d._id).sort()).toEqual(['missing', 'null']);
      expect((await col.find({ 'applied.p0': 4 }).toArray()).map((d) => d._id)).toEqual(['set']);
    });

    it('matches a pending outbox by $gt on an array of subdocuments, and $or/$and filters (relay query, delivery log, lease)', async () => {
      const col = fresh<{ _id: string; outbox: { id: string }[]; holder?: string }>('subdocs');
      await col.insertMany([
        { _id: 'p', outbox: [{ id: 'e1' }], holder: 'x' },
        { _id: 'q', outbox: [] },
      ]);
      expect((await col.find({ 'outbox.id': { $gt: '' } }).toArray()).map((d) => d._id)).toEqual(['p']);
      expect((await col.find({ $and: [{ _id: { $in: ['p', 'q'] } }, { $or: [{ holder: 'x' }, { _id: 'q' }] }] }).toArray()).length).toBe(2);
    });

    it('matches an anchored $regex on _id (persistence Lease: old claims of one lease)', async () => {
      const col = fresh('regex');
      await col.insertMany([{ _id: 'tick#1' }, { _id: 'tick#2' }, { _id: 'other#1' }, { _id: 'x-tick#1' }]);
      const res = await col.deleteMany({ _id: { $regex: '^tick#' } });
      expect(res.deletedCount).toBe(2);
      expect((await col.find().toArray()).map((d) => d._id).sort()).toEqual(['other#1', 'x-tick#1']);
    });

    it('sorts with limit, on one field and on a field then _id (review queue, page of units, deadline scheduler)', async () => {
      const col = fresh<{ _id: string; dueAt: Date }>('sort');
      const day = (d: number) => new Date(Date.UTC(2025, 0, d));
      await col.insertMany([
        { _id: 'c', dueAt: day(2) },
        { _id: 'a', dueAt: day(3) },
        { _id: 'e', dueAt: day(1) },
        { _id: 'b', dueAt: day(2) },
        { _id: 'd', dueAt: day(2) },
      ]);
      expect((await col.find().sort({ dueAt: 1, _id: 1 }).limit(4).toArray()).map((d) => d._id)).toEqual(['e', 'b', 'c', 'd']);
      expect((await col.find().sort({ _id: 1 }).limit(2).toArray()).map((d) => d._id)).toEqual(['a', 'b']);
      // Keyset paging (no skip anywhere): after 'b', in _id order (OrgUnitsService.page).
      expect(
        (
          await col
            .find({ _id: { $gt: 'b' } })
            .sort({ _id: 1 })
            .limit(2)
            .toArray()
        ).map((d) => d._id),
      ).toEqual(['c', 'd']);
    });

    it('pages newest first by a date then _id after a cursor with $or (notifications newestFirst)', async () => {
      const col = fresh<{ _id: string; at: Date }>('keyset');
      const at = (s: number) => new Date(Date.UTC(2025, 5, 1, 0, 0, s));
      await col.insertMany([
        { _id: 'a', at: at(1) },
        { _id: 'b', at: at(2) },
        { _id: 'c', at: at(2) },
        { _id: 'd', at: at(3) },
      ]);
      const page = (await col
        .find({ $and: [{}, { $or: [{ at: { $lt: at(2) } }, { at: at(2), _id: { $lt: 'c' } }] }] })
        .sort({ at: -1, _id: -1 })
        .limit(3)
        .toArray()) as { _id: string }[];
      expect(page.map((d) => d._id)).toEqual(['b', 'a']);
    });

    it('projects by exclusion and by inclusion (reads without the outbox; the relay reads only the outbox)', async () => {
      const col = fresh<{ _id: string; name: string; outbox: unknown[] }>('projection');
      await col.insertOne({ _id: 'p', name: 'n', outbox: [{ id: 'e' }] });
      expect(await col.findOne({ _id: 'p' }, { projection: { outbox: 0 } })).toEqual({ _id: 'p', name: 'n' });
      expect(await col.findOne({ _id: 'p' }, { projection: { outbox: 1 } })).toEqual({ _id: 'p', outbox: [{ id: 'e' }] });
    });

    it('counts with countDocuments, with and without limit (open children, ledger.has, inbox badge)', async () => {
      const col = fresh<{ _id: string; status: string }>('count');
      await col.insertMany(['a', 'b', 'c'].map((id, i) => ({ _id: id, status: i < 2 ? 'open' : 'closed' })));
      expect(await col.countDocuments({ status: 'open' })).toBe(2);
      expect(await col.countDocuments({ status: 'open' }, { limit: 1 })).toBe(1);
      expect(await col.countDocuments({ status: 'none' })).toBe(0);
    });
  });

  describe('dates', () => {
    it('round-trips a Date as the same instant, in UTC, with milliseconds (every timestamp, cursors)', async () => {
      const col = fresh<{ _id: string; at: Date }>('dates');
      const at = new Date('2025-03-31T16:30:15.123+08:00');
      await col.insertOne({ _id: 'd', at });
      const back = await col.findOne({ _id: 'd' });
      expect(back!.at).toBeInstanceOf(Date);
      expect(back!.at.getTime()).toBe(at.getTime());
      expect(back!.at.toISOString()).toBe('2025-03-31T08:30:15.123Z');
    });

    it('selects $gte/$lt and $lte ranges on Date fields, bounds included and excluded as stated (due notices, half-month periods, expiry)', async () => {
      const col = fresh<{ _id: string; at: Date }>('date_range');
      const t = (ms: number) => new Date(Date.UTC(2025, 0, 15) + ms);
      await col.insertMany([-1, 0, 1, 999, 1000].map((ms) => ({ _id: `t${ms}`, at: t(ms) })));
      const ids = async (filter: object) => (await col.find(filter).toArray()).map((d) => d._id).sort();
      expect(await ids({ at: { $gte: t(0), $lt: t(1000) } })).toEqual(['t0', 't1', 't999']);
      expect(await ids({ at: { $lte: t(0) } })).toEqual(['t-1', 't0']);
      expect(await ids({ at: { $lt: t(0) } })).toEqual(['t-1']);
    });
  });

  describe('update operators and upserts', () => {
    it('inserts on upsert, then updates the same document (OutboxRelay.sequence with returnDocument after; read models)', async () => {
      const col = fresh<{ _id: string; seq: number }>('upsert');
      const first = await col.findOneAndUpdate({ _id: 'svc' }, { $inc: { seq: 3 } }, { upsert: true, returnDocument: 'after' });
      const second = await col.findOneAndUpdate({ _id: 'svc' }, { $inc: { seq: 2 } }, { upsert: true, returnDocument: 'after' });
      expect([first?.seq, second?.seq]).toEqual([3, 5]);
      const res = await col.updateOne({ _id: 'other' }, { $set: { seq: 1 } }, { upsert: true });
      expect(res.upsertedCount).toBe(1);
    });

    it('returns the document before the change, or null when the upsert inserted it, without a projection (outbox Lease.acquire)', async () => {
      const col = fresh<{ _id: string; holder: string }>('before');
      expect(await col.findOneAndUpdate({ _id: 'l' }, { $set: { holder: 'a' } }, { upsert: true, returnDocument: 'before' })).toBeNull();
      expect(await col.findOneAndUpdate({ _id: 'l' }, { $set: { holder: 'b' } }, { upsert: true, returnDocument: 'before' })).toEqual({
        _id: 'l',
        holder: 'a',
      });
    });

    it('sets $setOnInsert fields only when the upsert inserts (DeadlineScheduler.open, compliance counters)', async () => {
      const col = fresh<{ _id: string; openedAt: Date | null; n?: number }>('set_on_insert');
      await col.updateOne({ _id: 'p' }, { $setOnInsert: { openedAt: null }, $inc: { n: 1 } }, { upsert: true });
      await col.updateOne({ _id: 'p' }, { $set: { openedAt: new Date(0) } });
      await col.updateOne({ _id: 'p' }, { $setOnInsert: { openedAt: null }, $inc: { n: 1 } }, { upsert: true });
      expect(await col.findOne({ _id: 'p' })).toEqual({ _id: 'p', openedAt: new Date(0), n: 2 });
    });

    it('adds with $addToSet $each only the values not there yet, creating the array on upsert (evaluation fact keys)', async () => {
      const col = fresh<{ _id: string; ids: string[] }>('add_to_set');
      await col.updateOne({ _id: 'k' }, { $addToSet: { ids: { $each: ['a', 'b'] } } }, { upsert: true });
      await col.updateOne({ _id: 'k' }, { $addToSet: { ids: { $each: ['b', 'c'] } } }, { upsert: true });
      expect(await col.findOne({ _id: 'k' })).toEqual({ _id: 'k', ids: ['a', 'b', 'c'] });
    });

    it('appends with $push $each in order and removes exact subdocuments with $pullAll (outbox writes and the relay)', async () => {
      const col = fresh<{ _id: string; outbox: { id: string; n: number }[] }>('push_each');
      await col.insertOne({ _id: 'a', outbox: [{ id: 'e0', n: 0 }] });
      await col.updateOne(
        { _id: 'a' },
        {
          $push: {
            outbox: {
              $each: [
                { id: 'e1', n: 1 },
                { id: 'e2', n: 2 },
              ],
            },
          },
        },
      );
      await col.updateOne(
        { _id: 'a' },
        {
          $pullAll: {
            outbox: [
              { id: 'e1', n: 1 },
              { id: 'zz', n: 9 },
            ],
          },
        },
      );
      expect((await col.findOne({ _id: 'a' }))?.outbox.map((e) => e.id)).toEqual(['e0', 'e2']);
    });

    it('applies a compare-and-set on a nested field in a bulkWrite: those that match apply, a stale one collides (ComplianceService.countRun)', async () => {
      const col = fresh<{ _id: string; n: number; applied: Record<string, number> }>('cas_bulk');
      await col.insertMany([
        { _id: 'a', n: 1, applied: { p0: 10 } },
        { _id: 'b', n: 1, applied: { p0: 10 } },
      ]);
      const op = (_id: string, last: number | undefined, offset: number) => ({
        updateOne: {
          filter: { _id, 'applied.p0': last === undefined ? { $exists: false } : last },
          update: { $inc: { n: 1 }, $set: { 'applied.p0': offset } },
          upsert: true,
        },
      });
      // The stale one last: after a failed statement MongoDB goes on with an unordered bulk and the local
      // store stops, and countRun relies on neither (it retries the run, which reads the counters again).
      const err = await rejection(col.bulkWrite([op('a', 10, 11), op('c', undefined, 11), op('b', 9, 11)], { ordered: false }));
      // Only the code: countRun reads no index (the local store reports 0 here).
      expect(writeErrorCodes(err).map((e) => e.code)).toEqual([11000]);
      expect(await col.find().sort({ _id: 1 }).toArray()).toEqual([
        { _id: 'a', n: 2, applied: { p0: 11 } },
        { _id: 'b', n: 1, applied: { p0: 10 } },
        { _id: 'c', n: 1, applied: { p0: 11 } },
      ]);
    });
  });

  describe('staged outbox batches (OutboxBatches)', () => {
    it('lets either a batch write guarded by $ne on an array or the fence that $push creates win on each document, never both', async () => {
      const col = fresh<{ _id: string; version: number; marks?: string[] }>('batch_fence');
      await col.insertMany(Array.from({ length: 40 }, (_, i) => ({ _id: `d${i}`, version: 1 })));
      const ids = Array.from({ length: 40 }, (_, i) => `d${i}`);
      // The batch's writes and a recovery's fence, at once, on the same documents.
      const [writes] = await Promise.all([
        Promise.all(ids.map((_id) => col.updateOne({ _id, version: 1, marks: { $ne: '!B' } }, { $set: { version: 2, marks: ['B'] } }))),
        col.updateMany({ _id: { $in: ids }, marks: { $ne: 'B' } }, { $push: { marks: '!B' } }),
      ]);
      const docs = await col.find().toArray();
      for (const [i, d] of docs.sort((a, b) => Number(a._id.slice(1)) - Number(b._id.slice(1))).entries()) {
        const landed = writes[i].matchedCount === 1;
        expect({ _id: d._id, marks: d.marks, version: d.version }).toEqual(
          landed ? { _id: d._id, marks: ['B'], version: 2 } : { _id: d._id, marks: ['!B'], version: 1 },
        );
      }
      // Once fenced, the write lands nowhere.
      const late = await col.bulkWrite(
        ids.map((_id) => ({
          updateOne: { filter: { _id, version: 1, marks: { $ne: '!B' } }, update: { $set: { version: 2, marks: ['B'] } } },
        })),
        { ordered: false },
      );
      expect(late.matchedCount).toBe(0);
    });

    it('renames a field only while the filter finds it ($exists), and unsets others (a batch committed once)', async () => {
      const col = fresh<{ _id: string; staged?: number[]; outbox?: number[]; refs?: string[] }>('rename');
      await col.insertOne({ _id: 'b', staged: [1, 2], refs: ['x', 'y'] });
      const commit = () => col.updateOne({ _id: 'b', staged: { $exists: true } }, { $rename: { staged: 'outbox' }, $unset: { refs: 1 } });
      expect((await commit()).matchedCount).toBe(1);
      expect((await commit()).matchedCount).toBe(0);
      expect(await col.findOne({ _id: 'b' })).toEqual({ _id: 'b', outbox: [1, 2] });
    });
  });

  describe('multi-document writes: each document on its own', () => {
    it('applies updateMany by _id $in to each matching document with its own $pullAll (OutboxRelay.markPublished)', async () => {
      const col = fresh<{ _id: string; outbox: { id: string }[] }>('update_many');
      await col.insertMany([
        { _id: 'a', outbox: [{ id: 'a1' }, { id: 'a2' }] },
        { _id: 'b', outbox: [{ id: 'b1' }] },
        { _id: 'c', outbox: [{ id: 'c1' }] },
      ]);
      const res = await col.updateMany({ _id: { $in: ['a', 'b', 'x'] } }, { $pullAll: { outbox: [{ id: 'a1' }, { id: 'b1' }] } });
      expect([res.matchedCount, res.modifiedCount]).toEqual([2, 2]);
      expect((await col.find().sort({ _id: 1 }).toArray()).map((d) => d.outbox.map((e) => e.id))).toEqual([['a2'], [], ['c1']]);
    });

    it('updates by a non-_id field in updateMany, and deletes by _id $in with deleteMany (partyOrgs follow a unit, scheduled notices)', async () => {
      const col = fresh<{ _id: string; unitId: string; unitPath?: string[] }>('many_by_field');
      await col.insertMany(['a', 'b', 'c'].map((id, i) => ({ _id: id, unitId: i < 2 ? 'u1' : 'u2' })));
      expect((await col.updateMany({ unitId: 'u1' }, { $set: { unitPath: ['c', 'u1'] } })).modifiedCount).toBe(2);
      expect((await col.deleteMany({ _id: { $in: ['a', 'c', 'x'] } })).deletedCount).toBe(2);
      expect(await col.find().toArray()).toEqual([{ _id: 'b', unitId: 'u1', unitPath: ['c', 'u1'] }]);
    });

    it('deletes one document only when its condition still holds (org-registry lease release, delivery queue)', async () => {
      const col = fresh<{ _id: string; holder: string }>('delete_one');
      await col.insertOne({ _id: 'k', holder: 'a' });
      expect((await col.deleteOne({ _id: 'k', holder: 'b' })).deletedCount).toBe(0);
      expect((await col.deleteOne({ _id: 'k', holder: 'a' })).deletedCount).toBe(1);
    });
  });
});

import type { Document } from 'mongodb';
import {
  bulkWriteInCommands,
  findByIds,
  isDuplicateKey,
  onlyDuplicateKeys,
  WRITES_PER_COMMAND,
  type BulkCollection,
  type IdCollection,
} from '@pb/persistence';

/** What an idempotent effect did: `duplicate` when the event (or a newer version) was already applied. */
export type ApplyResult = 'applied' | 'duplicate';

/** A read-model document: string ids (an org unit id, an event id...). */
export interface ReadModelDocument {
  _id: string;
  [field: string]: unknown;
}

/** A driver collection, or a mongoose model's `collection` (same methods, no schema casting). */
export interface WritableCollection {
  updateOne(filter: Document, update: Document, options: { upsert: boolean }): Promise<unknown>;
  insertOne(doc: Document): Promise<unknown>;
}

/**
 * The effect is a new document per event: its `_id` comes from the event id, so the insert is
 * both the effect and the mark; a second delivery collides on the unique `_id`.
 * Use with `@OnEvent(contract, { idempotency: 'effect' })`.
 */
export async function insertOnce(collection: WritableCollection, doc: ReadModelDocument): Promise<ApplyResult> {
  try {
    await collection.insertOne(doc);
    return 'applied';
  } catch (err) {
    if (isDuplicateKey(err)) return 'duplicate';
    throw err;
  }
}

export interface ApplyOnceInput {
  /** The read-model document's id (for example the org unit id). */
  _id: string;
  /** The event's id (`ctx.event.id`). */
  eventId: string;
  /** The effect: any update operators ($set, $inc, $push...). */
  update: Document;
  /**
   * The aggregate version the event carries. Given: the effect applies only when it is newer than
   * the stored `version`, so repeated *and* out-of-date events change nothing; the document keeps
   * `version` and `lastEventId`. Omitted: the document keeps the ids of the events applied to it
   * (`appliedEventIds`) and an event already among them changes nothing. Its ids grow with the
   * events of that document: use it for documents that receive a bounded number of events.
   */
  version?: number;
  /**
   * With a version: `'apply'` applies an event whose version equals the stored one again. For an
   * update that sets absolute values only (the newest state of a document, folded from a run), where
   * two events of one aggregate write carry the same version (an attendance and the certification it
   * brought): the second is not a duplicate, and applying either again changes nothing. Default `'skip'`.
   */
  sameVersion?: 'skip' | 'apply';
}

/**
 * Upserts a read-model document and records the event in the same single-document write: the
 * effect and its mark cannot be separated by a crash, and redelivery or an offset replay finds
 * the mark and changes nothing. Use with `@OnEvent(contract, { idempotency: 'effect' })`.
 *
 * The guard is in the filter; when the document exists but the guard fails, the upsert tries to
 * insert the same `_id` and collides: that is the duplicate. On FerretDB 1.24 a filter with more
 * than `_id` scans the collection, which bounds this to read models of modest size there.
 */
export async function applyOnce(collection: WritableCollection, input: ApplyOnceInput): Promise<ApplyResult> {
  const { filter, update } = guarded(input);
  try {
    await collection.updateOne(filter, update, { upsert: true });
    return 'applied';
  } catch (err) {
    if (isDuplicateKey(err)) return 'duplicate';
    throw err;
  }
}

/** `applyOnce`'s guarded filter and update: a newer version, or an event id not yet among those applied. */
function guarded({ _id, eventId, update, version, sameVersion }: ApplyOnceInput): { filter: Document; update: Document } {
  return version === undefined
    ? {
        filter: { _id, appliedEventIds: { $ne: eventId } },
        update: { ...update, $push: { ...(update.$push as Document | undefined), appliedEventIds: eventId } },
      }
    : {
        filter: { _id, version: sameVersion === 'apply' ? { $lte: version } : { $lt: version } },
        update: { ...update, $set: { ...(update.$set as Document | undefined), version, lastEventId: eventId } },
      };
}

/**
 * `applyOnce` for a run of events (`@OnEventBatch`): unordered bulk writes, one round trip per
 * `WRITES_PER_COMMAND` events instead of one each. Unordered suits version-guarded effects: whatever
 * order two versions of one document are applied in, the newer one stays. When a command fails on the
 * guard's collision (an event applied before: a redelivered run), its events are applied one by one,
 * since the local store stops at the failing statement of an unordered bulk and does not say which
 * it was (store conformance suite); the guard makes those applied already change nothing.
 */
export async function applyOnceMany(collection: BulkCollection & WritableCollection, inputs: readonly ApplyOnceInput[]): Promise<void> {
  for (let i = 0; i < inputs.length; i += WRITES_PER_COMMAND) {
    const chunk = inputs.slice(i, i + WRITES_PER_COMMAND);
    try {
      await collection.bulkWrite(chunk.map((input) => ({ updateOne: { ...guarded(input), upsert: true } })) as never[], { ordered: false });
    } catch (err) {
      if (!onlyDuplicateKeys(err)) throw err;
      for (const input of chunk) await applyOnce(collection, input);
    }
  }
}

/** One event's increment of one counter document, with its record's position (from `@OnEventBatch`). */
export interface CounterIncrement {
  /** The counter document (e.g. `<unitId>:<periodId>`). */
  _id: string;
  /** Fields the counter gets when it is first written (its unit, period...). */
  setOnInsert: Document;
  inc: Record<string, number>;
  partition: number;
  offset: number;
}

/** A driver collection (a mongoose model's `collection`) that reads and writes in bulk. */
export type CounterCollection = IdCollection & BulkCollection;

/**
 * Adds a run of increments (one partition, offset order, as `@OnEventBatch` hands them over) to
 * their counters, one write per counter. Each counter keeps the last offset applied per partition
 * (`applied.p<n>`) in the same write: only increments past it are added, and the write happens only
 * when that offset is still the one read (else it collides on `_id`, 11000, and the transport retries
 * the run, which reads again). So a run handed over again after a crash adds nothing twice, without
 * a transaction. Read-model counters (reporting's compliance, training's totals) are kept this way.
 */
export async function incrementOnce(collection: CounterCollection, increments: readonly CounterIncrement[]): Promise<void> {
  const changes = new Map<
    string,
    { setOnInsert: Document; partition: number; events: { offset: number; inc: Record<string, number> }[] }
  >();
  for (const i of increments) {
    const change = changes.get(i._id) ?? { setOnInsert: i.setOnInsert, partition: i.partition, events: [] };
    change.events.push({ offset: i.offset, inc: i.inc });
    changes.set(i._id, change);
  }
  const applied = new Map<string, Record<string, number>>();
  for (const d of await findByIds(collection, [...changes.keys()], { applied: 1 }))
    applied.set(d['_id'] as string, (d['applied'] as Record<string, number> | undefined) ?? {});
  const writes: Document[] = [];
  for (const [_id, change] of changes) {
    const key = `applied.p${change.partition}`;
    const last = applied.get(_id)?.[`p${change.partition}`];
    const todo = change.events.filter((e) => last === undefined || e.offset > last);
    if (todo.length === 0) continue;
    const inc: Record<string, number> = {};
    for (const e of todo) for (const [k, v] of Object.entries(e.inc)) inc[k] = (inc[k] ?? 0) + v;
    writes.push({
      updateOne: {
        // Compare-and-set on the offset read: a counter missing, or without this partition yet, matches `$exists: false`.
        filter: { _id, [key]: last === undefined ? { $exists: false } : last },
        update: { $setOnInsert: change.setOnInsert, $inc: inc, $set: { [key]: todo[todo.length - 1].offset } },
        upsert: true,
      },
    });
  }
  await bulkWriteInCommands(collection, writes, { ordered: false });
}

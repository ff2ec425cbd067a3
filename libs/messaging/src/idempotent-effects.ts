import type { Document } from 'mongodb';
import { onlyDuplicateKeys } from '@pb/persistence';

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

function isDuplicateKey(err: unknown): boolean {
  return (err as { code?: number }).code === 11000;
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
  const { _id, eventId, update, version } = input;
  const guarded =
    version === undefined
      ? {
          filter: { _id, appliedEventIds: { $ne: eventId } },
          update: { ...update, $push: { ...(update.$push as Document | undefined), appliedEventIds: eventId } },
        }
      : {
          filter: { _id, version: { $lt: version } },
          update: { ...update, $set: { ...(update.$set as Document | undefined), version, lastEventId: eventId } },
        };
  try {
    await collection.updateOne(guarded.filter, guarded.update, { upsert: true });
    return 'applied';
  } catch (err) {
    if (isDuplicateKey(err)) return 'duplicate';
    throw err;
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
export interface CounterCollection {
  find(filter: Document, options: { projection: Document }): { toArray(): Promise<Document[]> };
  bulkWrite(operations: never[], options: { ordered: boolean }): Promise<unknown>;
}

/** The longest `_id` list one query asks for (the local store pushes lists up to 1,000 down to its index). */
const ID_LIST = 1_000;
/** Statements per command: the local store hangs on an update command of 100 or more (ADR 0003). */
const WRITES_PER_COMMAND = 50;

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
  const ids = [...changes.keys()];
  const applied = new Map<string, Record<string, number>>();
  for (let i = 0; i < ids.length; i += ID_LIST) {
    const docs = await collection.find({ _id: { $in: ids.slice(i, i + ID_LIST) } }, { projection: { applied: 1 } }).toArray();
    for (const d of docs) applied.set(d['_id'] as string, (d['applied'] as Record<string, number> | undefined) ?? {});
  }
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
  for (let i = 0; i < writes.length; i += WRITES_PER_COMMAND) {
    await collection.bulkWrite(writes.slice(i, i + WRITES_PER_COMMAND) as never[], { ordered: false });
  }
}

/** The state one document takes from the newest event of a run about it (from `@OnEventBatch`). */
export interface NewestState {
  /** The read-model document (for example the enrolment id). */
  _id: string;
  /** The aggregate version the newest event carries. */
  version: number;
  /** That event's id (kept as `lastEventId`). */
  eventId: string;
  /** The state it sets (absolute values: applying it twice changes nothing). */
  set: Document;
}

/**
 * `applyOnce` with a version, for a run of events folded by the caller into the newest state of each
 * document: one upsert per document, 50 statements per command, each applied where the stored
 * version is not newer. A document already at a newer version makes its upsert collide on `_id`
 * (11000): that one is skipped, the others apply. The same version applies again (`$lte`): two events
 * of one write carry the same version (an attendance and the certification it brought), and the
 * state is absolute, so a run handed over again after a crash changes nothing.
 */
export async function applyNewest(collection: Pick<CounterCollection, 'bulkWrite'>, states: readonly NewestState[]): Promise<void> {
  const writes = states.map(({ _id, version, eventId, set }) => ({
    updateOne: { filter: { _id, version: { $lte: version } }, update: { $set: { ...set, version, lastEventId: eventId } }, upsert: true },
  }));
  for (let i = 0; i < writes.length; i += WRITES_PER_COMMAND) {
    try {
      await collection.bulkWrite(writes.slice(i, i + WRITES_PER_COMMAND) as never[], { ordered: false });
    } catch (err) {
      if (!onlyDuplicateKeys(err)) throw err;
    }
  }
}

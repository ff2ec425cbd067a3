import type { Document } from 'mongodb';

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

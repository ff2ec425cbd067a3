import type { Collection } from 'mongoose';

/**
 * Inserts documents, ignoring those whose `_id` exists already; returns the ids it inserted. The unique
 * `_id` is what makes a write happen once across replicas and re-deliveries (a notification's delivery,
 * attempt claim or log entry; an expected report). Unordered: one duplicate does not stop the rest.
 */
export async function insertNew<T extends { _id: string }>(collection: Collection<T>, docs: T[]): Promise<Set<string>> {
  if (docs.length === 0) return new Set();
  const inserted = new Set(docs.map((d) => d._id));
  try {
    await collection.insertMany(docs as never[], { ordered: false });
  } catch (err) {
    const list = writeErrorsOf(err);
    if (list.length === 0) {
      if ((err as { code?: number }).code === 11000 && docs.length === 1) return new Set();
      throw err;
    }
    for (const e of list) {
      if (e.code !== 11000) throw err;
      inserted.delete(docs[e.index]._id);
    }
  }
  return inserted;
}

/** Whether a write failed on a unique index (an `_id` or another unique key taken already). */
export const isDuplicateKey = (err: unknown): boolean => (err as { code?: number }).code === 11000;

/** The failed statements of an unordered bulk write or insertMany (the driver gives one or a list; none for another error). */
export function writeErrorsOf(err: unknown): { code?: number; index: number }[] {
  const errors = (err as { writeErrors?: { code?: number; index: number }[] | { code?: number; index: number } }).writeErrors;
  return Array.isArray(errors) ? errors : errors ? [errors] : [];
}

/** Whether an unordered write failed only on unique keys taken already (each failed statement a duplicate; the others applied). */
export function onlyDuplicateKeys(err: unknown): boolean {
  const list = writeErrorsOf(err);
  return list.length > 0 ? list.every((e) => e.code === 11000) : isDuplicateKey(err);
}

/**
 * Runs `write`, one insert of new documents; a unique key taken already fails it with `taken()` (the
 * caller's 409: an id in use, a username taken, a concurrent first write), any other error as it is.
 */
export async function insertOrFail(write: () => Promise<unknown>, taken: () => Error): Promise<void> {
  try {
    await write();
  } catch (err) {
    if (isDuplicateKey(err)) throw taken();
    throw err;
  }
}

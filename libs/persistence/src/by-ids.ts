import type { Document } from 'mongodb';

/**
 * The longest `_id` list one query asks for: the local store pushes `_id: {$in: [...]}` lists of up to
 * 1,000 down to its `_id` index and scans the whole collection for a longer one (ADR 0003).
 */
export const ID_LIST = 1_000;
/** Statements per write command: the local store hangs on an update command of 100 or more (ADR 0003). */
export const WRITES_PER_COMMAND = 50;

/** A driver collection (or a mongoose model's `collection`): what the helpers below call. */
export interface IdCollection {
  find(filter: Document, options?: { projection?: Document }): { toArray(): Promise<Document[]> };
}

/**
 * The documents with these `_id`s (those that exist, in no particular order), asked in lists of
 * `ID_LIST` so each list is answered from the `_id` index. Duplicate ids are asked once.
 */
export async function findByIds<T = Document>(collection: IdCollection, ids: readonly string[], projection?: Document): Promise<T[]> {
  const unique = [...new Set(ids)];
  const docs: T[] = [];
  for (let i = 0; i < unique.length; i += ID_LIST) {
    const filter = { _id: { $in: unique.slice(i, i + ID_LIST) } };
    docs.push(...((await collection.find(filter, projection ? { projection } : {}).toArray()) as T[]));
  }
  return docs;
}

export interface BulkCollection {
  bulkWrite(operations: never[], options: { ordered: boolean }): Promise<unknown>;
}

/**
 * Writes `operations` in commands of `WRITES_PER_COMMAND` statements, in their order. `ordered: true`
 * (the default) stops at the first failing statement, as one ordered bulk write would.
 */
export async function bulkWriteInCommands(
  collection: BulkCollection,
  operations: readonly Document[],
  { ordered = true } = {},
): Promise<void> {
  for (let i = 0; i < operations.length; i += WRITES_PER_COMMAND) {
    await collection.bulkWrite(operations.slice(i, i + WRITES_PER_COMMAND) as never[], { ordered });
  }
}

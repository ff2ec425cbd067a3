import type { Document, Filter } from 'mongodb';
import { decodeCursor, pageOf, type Scope, type ScopedCollection } from '@pb/platform';

/**
 * Newest first by `field` then `_id`, `limit` per page, continuing after `cursor` (the platform's
 * keyset cursor of the last item: its time in ms and its id).
 */
export async function newestFirst<T extends Document & { _id: string }>(
  collection: ScopedCollection<T>,
  scope: Scope,
  filter: Filter<T>,
  field: keyof T & string,
  q: { cursor?: string; limit: number },
): Promise<{ docs: T[]; nextCursor: string | null }> {
  const after = decodeCursor(q.cursor, 2) as [number, string] | undefined;
  const query = after
    ? ({
        $and: [filter, { $or: [{ [field]: { $lt: new Date(after[0]) } }, { [field]: new Date(after[0]), _id: { $lt: after[1] } }] }],
      } as Filter<T>)
    : filter;
  const found = (await collection
    .find(scope, query)
    .sort({ [field]: -1, _id: -1 })
    .limit(q.limit + 1)
    .toArray()) as T[];
  const page = pageOf(found, q.limit, (d) => [(d[field] as Date).getTime(), d._id]);
  return { docs: page.items, nextCursor: page.nextCursor };
}

import type { Collection, Filter } from 'mongodb';
import { ProblemException } from '@pb/platform';

/** An opaque cursor: the time and id of the last item of the previous page. */
export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify([at.getTime(), id])).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): { at: Date; id: string } | undefined {
  if (!cursor) return undefined;
  try {
    const [t, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [
      number,
      string,
    ];
    if (typeof t !== 'number' || typeof id !== 'string') throw new Error('shape');
    return { at: new Date(t), id };
  } catch {
    throw new ProblemException(400, 'https://partybuilding.edu.cn/problems/validation', {
      zh: '游標無效',
      en: 'Invalid cursor',
    });
  }
}

/** Newest first by `field` then `_id`, `limit` per page, continuing after `cursor`. */
export async function newestFirst<T extends { _id: string }>(
  collection: Collection<T>,
  filter: Filter<T>,
  field: keyof T & string,
  q: { cursor?: string; limit: number },
): Promise<{ docs: T[]; nextCursor: string | null }> {
  const after = decodeCursor(q.cursor);
  const query = after
    ? ({
        $and: [
          filter,
          { $or: [{ [field]: { $lt: after.at } }, { [field]: after.at, _id: { $lt: after.id } }] },
        ],
      } as Filter<T>)
    : filter;
  const found = (await collection
    .find(query)
    .sort({ [field]: -1, _id: -1 })
    .limit(q.limit + 1)
    .toArray()) as T[];
  const docs = found.slice(0, q.limit);
  const last = docs[docs.length - 1];
  return {
    docs,
    nextCursor: found.length > q.limit && last ? encodeCursor(last[field] as Date, last._id) : null,
  };
}

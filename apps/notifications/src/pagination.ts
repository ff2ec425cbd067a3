import type { Collection, Filter } from 'mongodb';
import { NOTICE_CURSOR_PATTERN } from '@pb/contracts';
import { ProblemException } from '@pb/platform';

/**
 * The cursor of the newest-first lists: the time (ms) and id of the last item of the previous page,
 * `<ms>~<base64url id>`. Every string of that shape is a position (an unknown one only starts the
 * page there), so the document's pattern says exactly what is accepted; anything else is a 400.
 */
const CURSOR_RE = new RegExp(NOTICE_CURSOR_PATTERN);

export function encodeCursor(at: Date, id: string): string {
  return `${at.getTime()}~${Buffer.from(id, 'utf8').toString('base64url')}`;
}

export function decodeCursor(cursor: string | undefined): { at: Date; id: string } | undefined {
  if (cursor === undefined) return undefined;
  if (!CURSOR_RE.test(cursor)) {
    throw new ProblemException(400, 'https://partybuilding.edu.cn/problems/validation', {
      zh: '游标无效',
      en: 'Invalid cursor',
    });
  }
  const [t, id] = cursor.split('~') as [string, string];
  return { at: new Date(Number(t)), id: Buffer.from(id, 'base64url').toString('utf8') };
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
        $and: [filter, { $or: [{ [field]: { $lt: after.at } }, { [field]: after.at, _id: { $lt: after.id } }] }],
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

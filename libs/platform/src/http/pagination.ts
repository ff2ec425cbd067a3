import { PAGE_LIMIT_DEFAULT } from '@pb/contracts';
import { ProblemException } from './problem.js';

/** A page of items and the URL of the next page (null on the last one). */
export interface Page<T> {
  items: T[];
  next: string | null;
}

/** The cursor is opaque to clients: base64url of the last key seen, so its form can change. */
export function encodeCursor(lastKey: string): string {
  return Buffer.from(JSON.stringify({ k: lastKey }), 'utf8').toString('base64url');
}

/** The key after which the page starts; a cursor that was not made by encodeCursor is a 400 naming `/cursor`. */
export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { k?: unknown };
    if (typeof parsed.k === 'string' && parsed.k.length > 0) return parsed.k;
  } catch {
    // fall through
  }
  throw new ProblemException(
    400,
    'https://partybuilding.edu.cn/problems/validation',
    { zh: '請求內容不符合規則', en: 'The request breaks the rules of its schema' },
    undefined,
    [{ pointer: '/cursor', rule: 'cursor', message: { zh: '游標無效，請使用上一頁返回的 next 鏈接', en: 'invalid cursor; follow the next link of the previous page' } }],
  );
}

/**
 * Keyset pagination: `fetch(after, limit + 1)` returns items ordered by their key, starting after
 * `after`; one extra item tells whether a next page exists. `next` keeps the other query parameters.
 */
export async function paginate<T>(
  query: { limit?: number; cursor?: string; [param: string]: unknown },
  basePath: string,
  keyOf: (item: T) => string,
  fetch: (after: string | undefined, take: number) => Promise<T[]>,
): Promise<Page<T>> {
  const limit = query.limit ?? PAGE_LIMIT_DEFAULT;
  const rows = await fetch(decodeCursor(query.cursor), limit + 1);
  const items = rows.slice(0, limit);
  if (rows.length <= limit || items.length === 0) return { items, next: null };
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (name === 'cursor') continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') params.set(name, String(value));
  }
  params.set('limit', String(limit));
  params.set('cursor', encodeCursor(keyOf(items[items.length - 1])));
  return { items, next: `${basePath}?${params.toString()}` };
}

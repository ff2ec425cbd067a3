import { PAGE_LIMIT_DEFAULT } from '@pb/contracts';

/** A page of items and the URL of the next page (null on the last one). */
export interface Page<T> {
  items: T[];
  next: string | null;
}

/**
 * The cursor is opaque to clients: base64url of the last key seen, so its form can change. Any cursor
 * decodes to a position (keyset pagination: "the items after this key"), and the caller's scope filter
 * still applies, so a made-up cursor can only skip within what the caller may see anyway. That keeps
 * every cursor the schema admits a valid one (no 400 for a well-formed cursor).
 */
export function encodeCursor(lastKey: string): string {
  return Buffer.from(lastKey, 'utf8').toString('base64url');
}

/** The key after which the page starts; undefined for the first page. */
export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  return key.length > 0 ? key : undefined;
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
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') params.set(name, String(value));
  }
  params.set('limit', String(limit));
  return { items, next: nextLink(`${basePath}?${params.toString()}`, encodeCursor(keyOf(items[items.length - 1]))) };
}

/**
 * The link to the page after `cursor`: the request's own path and query (`url`, e.g. the request's
 * `/api/v1/...?limit=50`) with `cursor` set; null when there is no next page.
 */
export function nextLink(url: string, cursor: string | null): string | null {
  if (cursor === null) return null;
  const [path, query = ''] = url.split('?', 2) as [string, string?];
  const params = new URLSearchParams(query);
  params.set('cursor', cursor);
  return `${path}?${params.toString()}`;
}

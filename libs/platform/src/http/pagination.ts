import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { PAGE_LIMIT_DEFAULT } from '@pb/contracts';
import { problem } from './problem.js';

/**
 * Keyset pagination, the one way every list of the platform pages (docs/adr/0013). A page is
 * `{ items, nextCursor, next }` (`pageSchema` in @pb/contracts): `nextCursor` continues after the
 * last item, `next` is the request's own URL with that cursor (null on the last page).
 *
 * The cursor is opaque to clients and tamper-evident (docs/adr/0018): base64url of a MAC (16 bytes of
 * HMAC-SHA256) followed by the JSON array that keys the last item (an id; a time and an id for
 * newest-first lists). The service that owns a list issues and checks its cursors (the gateway only
 * forwards them); a cursor it did not sign, or one altered, is a 400 naming `/cursor`.
 */
export type CursorKey = readonly (string | number)[];

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  next: string | null;
}

export interface PageRequest {
  /** The key of the last item of the previous page; undefined for the first page. */
  after: CursorKey | undefined;
  limit: number;
}

const invalidCursor = () =>
  problem.validation({ zh: '游标无效', en: 'Invalid cursor' }, [
    { pointer: '/cursor', rule: 'cursor', message: { zh: '不是本接口给出的游标', en: 'not a cursor this API gave out' } },
  ]);

const MAC_BYTES = 16;
/** Until the service's config names the key (runService), a key of this process alone: never a committed one. */
let cursorKey: Buffer = randomBytes(32);

/**
 * Signs and checks this process's cursors with a key derived from `secret` (CURSOR_SECRET, else the
 * service's INTERNAL_AUTH_SECRET; both validated config) and the service's name: every replica of a
 * service shares it, another service's cursors do not pass even where the secrets are the same.
 */
export function useCursorSecret(secret: string, service = ''): void {
  cursorKey = createHmac('sha256', secret).update(`pb-cursor-v1:${service}`).digest();
}

const macOf = (payload: Buffer): Buffer => createHmac('sha256', cursorKey).update(payload).digest().subarray(0, MAC_BYTES);

export function encodeCursor(key: CursorKey): string {
  const payload = Buffer.from(JSON.stringify(key), 'utf8');
  return Buffer.concat([macOf(payload), payload]).toString('base64url');
}

/**
 * The key a cursor carries, of `arity` strings or numbers: a cursor this service did not sign, an
 * altered one, or anything else is a 400 naming `/cursor`.
 */
export function decodeCursor(cursor: string | undefined, arity = 1): CursorKey | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  const raw = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url') : Buffer.alloc(0);
  if (raw.length <= MAC_BYTES) throw invalidCursor();
  const payload = raw.subarray(MAC_BYTES);
  if (!timingSafeEqual(raw.subarray(0, MAC_BYTES), macOf(payload))) throw invalidCursor();
  let key: unknown;
  try {
    key = JSON.parse(payload.toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(key) || key.length !== arity || !key.every((k) => typeof k === 'string' || typeof k === 'number')) {
    throw invalidCursor();
  }
  return key;
}

/** The page asked for: `limit` as the route table validated it (default filled in), `cursor` decoded. */
export function pageRequest(query: { cursor?: string; limit?: number | string }, arity = 1): PageRequest {
  const limit = query.limit === undefined ? PAGE_LIMIT_DEFAULT : Number(query.limit);
  return { after: decodeCursor(query.cursor, arity), limit };
}

/**
 * The page of `rows`, fetched `limit + 1` in key order: the extra row only says that there is more.
 * `next` is filled in from the request's URL by the NextLinkInterceptor, or here when `url` is given.
 */
export function pageOf<T>(rows: T[], limit: number, keyOf: (item: T) => CursorKey, url?: string): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  const nextCursor = rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null;
  return { items, nextCursor, next: url === undefined ? null : nextLink(url, nextCursor) };
}

/**
 * Keyset pagination over one sort key: `fetch(after, limit + 1)` returns items ordered by their key,
 * starting after `after`. `next` keeps the other query parameters of `basePath`.
 */
export async function paginate<T, K extends string | number = string>(
  query: { limit?: number; cursor?: string; [param: string]: unknown },
  basePath: string,
  keyOf: (item: T) => K,
  fetch: (after: K | undefined, take: number) => Promise<T[]>,
): Promise<Page<T>> {
  const page = pageRequest(query);
  const rows = await fetch(page.after?.[0] as K | undefined, page.limit + 1);
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (name !== 'cursor' && (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'))
      params.set(name, String(value));
  }
  params.set('limit', String(page.limit));
  return pageOf(rows, page.limit, (item) => [keyOf(item)], `${basePath}?${params.toString()}`);
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

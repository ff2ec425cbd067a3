import { ProblemException } from '@pb/platform';

export interface PageRequest {
  after: string | null;
  limit: number;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

const MAX_LIMIT = 500;

/** Reads `cursor` and `limit` query parameters; the cursor is opaque (base64url of the last id). */
export function pageRequest(query: { cursor?: string; limit?: string }, defaultLimit = 100): PageRequest {
  const limit = query.limit === undefined ? defaultLimit : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new ProblemException(
      400,
      'https://partybuilding.edu.cn/problems/validation',
      { zh: '请求内容不符合规则', en: 'The request breaks the rules of its schema' },
      undefined,
      [{ pointer: '/limit', rule: 'range', message: { zh: `limit 应为 1 至 ${MAX_LIMIT}`, en: `limit must be 1 to ${MAX_LIMIT}` } }],
    );
  }
  let after: string | null = null;
  if (query.cursor) {
    after = Buffer.from(query.cursor, 'base64url').toString('utf8');
    if (!after) after = null;
  }
  return { after, limit };
}

/** Builds a page from `limit + 1` rows sorted by id: the extra row only says that there is more. */
export function pageOf<T extends { id: string }>(rows: T[], limit: number): Page<T> {
  const items = rows.slice(0, limit);
  const more = rows.length > limit;
  const last = items[items.length - 1];
  return { items, nextCursor: more && last ? Buffer.from(last.id, 'utf8').toString('base64url') : null };
}

import { describe, expect, it } from '@jest/globals';
import { decodeCursor, encodeCursor, paginate } from './pagination.js';

const keys = Array.from({ length: 7 }, (_, i) => `k${i}`);
const fetchAfter = (after: string | undefined, take: number) =>
  Promise.resolve(keys.filter((k) => after === undefined || k > after).slice(0, take));

describe('cursor pagination', () => {
  it('walks every item once through the next links, keeping the other query parameters', async () => {
    const seen: string[] = [];
    let query: Record<string, string | number | undefined> = { unit: 'county-1', limit: 3 };
    for (let pages = 1; ; pages++) {
      const page = await paginate<string>(query, '/api/v1/things', (k) => k, fetchAfter);
      seen.push(...page.items);
      if (!page.next) {
        expect(pages).toBe(3);
        break;
      }
      const next = new URL(page.next, 'http://x');
      expect(next.searchParams.get('unit')).toBe('county-1');
      query = { unit: 'county-1', limit: Number(next.searchParams.get('limit')), cursor: next.searchParams.get('cursor') ?? undefined };
    }
    expect(seen).toEqual(keys);
  });

  it('has no next link on an exactly full last page', async () => {
    const page = await paginate<string>({ limit: 7 }, '/x', (k) => k, fetchAfter);
    expect(page).toEqual({ items: keys, next: null });
  });

  it('round-trips keys, and any well-formed cursor decodes to a position', () => {
    expect(decodeCursor(encodeCursor('2026-11-26T10:00:00.000Z|abc'))).toBe('2026-11-26T10:00:00.000Z|abc');
    expect(decodeCursor(undefined)).toBeUndefined();
    expect(typeof decodeCursor('K4Tna-EX5Hh')).toBe('string');
  });
});

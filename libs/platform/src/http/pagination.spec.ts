import { describe, expect, it } from '@jest/globals';
import { pageQueryProperties } from '@pb/contracts';
import { decodeCursor, encodeCursor, pageOf, paginate, useCursorSecret } from './pagination.js';

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
    expect(page).toEqual({ items: keys, nextCursor: null, next: null });
  });

  it('round-trips keys of strings and numbers, in the shape the route table declares for cursors', () => {
    const cursor = encodeCursor([Date.parse('2027-01-12T15:59:00Z'), 'delivery/张三#1']);
    expect(cursor).toMatch(new RegExp(pageQueryProperties.cursor.pattern));
    expect(decodeCursor(cursor, 2)).toEqual([Date.parse('2027-01-12T15:59:00Z'), 'delivery/张三#1']);
    expect(decodeCursor(undefined)).toBeUndefined();
  });

  it('refuses a cursor it did not give out with a 400 naming /cursor', () => {
    for (const bad of ['abc', encodeCursor(['a', 'b']), Buffer.from('{"a":1}').toString('base64url'), encodeCursor([])]) {
      expect(() => decodeCursor(bad)).toThrow(
        expect.objectContaining({ status: 400, fieldErrors: [expect.objectContaining({ pointer: '/cursor' })] }),
      );
    }
  });

  it('refuses a forged or altered cursor: one it did not sign, a changed byte, one signed with another key', () => {
    useCursorSecret('this-service-cursor-secret-of-32-chars', 'reporting');
    const issued = encodeCursor(['k3']);
    expect(decodeCursor(issued)).toEqual(['k3']);
    const raw = Buffer.from(issued, 'base64url');
    const altered = Buffer.from(raw);
    altered[altered.length - 3] = altered[altered.length - 3] ^ 1;
    // A payload with the same key signed elsewhere: another service's key, or none at all.
    const unsigned = Buffer.from(JSON.stringify(['k3'])).toString('base64url');
    const withOldMac = Buffer.concat([raw.subarray(0, 16), Buffer.from(JSON.stringify(['k5']))]).toString('base64url');
    useCursorSecret('another-service-cursor-secret-of-32-c', 'reporting');
    const foreign = encodeCursor(['k3']);
    useCursorSecret('this-service-cursor-secret-of-32-chars', 'notifications');
    const otherService = encodeCursor(['k3']);
    useCursorSecret('this-service-cursor-secret-of-32-chars', 'reporting');
    expect(decodeCursor(issued)).toEqual(['k3']);
    for (const bad of [unsigned, altered.toString('base64url'), withOldMac, foreign, otherService, 'a'.repeat(30)]) {
      expect(() => decodeCursor(bad)).toThrow(
        expect.objectContaining({ status: 400, fieldErrors: [expect.objectContaining({ pointer: '/cursor', rule: 'cursor' })] }),
      );
    }
  });

  it('pages rows fetched one beyond the limit, with the cursor of the last item kept', () => {
    const rows = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
    const page = pageOf(rows, 2, (r) => [r.id], '/api/v1/things?limit=2');
    expect(page.items).toEqual(rows.slice(0, 2));
    expect(decodeCursor(page.nextCursor ?? undefined)).toEqual(['b']);
    expect(page.next).toBe(`/api/v1/things?limit=2&cursor=${page.nextCursor}`);
    expect(pageOf(rows, 3, (r) => [r.id])).toEqual({ items: rows, nextCursor: null, next: null });
  });
});

import { describe, expect, it } from '@jest/globals';
import { canonicalJson, replayAnswer, requestHash } from './idempotency.js';

describe('idempotency', () => {
  it('hashes the same body with its keys in another order (at any depth) as the same request', () => {
    const a = {
      content: { freeText: '记实', meetings: [{ type: 'theme-day', date: '2027-01-05', attendance: { expected: 3, present: 2 } }] },
    };
    const b = {
      content: { meetings: [{ attendance: { present: 2, expected: 3 }, date: '2027-01-05', type: 'theme-day' }], freeText: '记实' },
    };
    expect(canonicalJson(b)).toBe(canonicalJson(a));
    expect(requestHash(b)).toBe(requestHash(a));
  });

  it('tells different bodies apart: another value, another array order, a missing field', () => {
    const base = requestHash({ content: { freeText: 'a', list: [1, 2] } });
    expect(requestHash({ content: { freeText: 'b', list: [1, 2] } })).not.toBe(base);
    expect(requestHash({ content: { freeText: 'a', list: [2, 1] } })).not.toBe(base);
    expect(requestHash({ content: { list: [1, 2] } })).not.toBe(base);
    expect(requestHash(undefined)).toBe(requestHash(null));
  });

  it('replays the first answer: its status, its ETag and its body, marked as a replay', () => {
    const headers: Record<string, string> = {};
    let status = 0;
    const reply = {
      header: (n: string, v: string) => (headers[n] = v),
      status: (c: number) => (status = c),
    };
    const body = replayAnswer(reply, { status: 200, etag: '"3"', body: { version: 3 } });
    expect([status, headers, body]).toEqual([200, { 'idempotent-replayed': 'true', etag: '"3"' }, { version: 3 }]);
  });
});

import { describe, expect, it } from '@jest/globals';
import { etagOf, ifMatchVersions, staleWrite } from './etag.js';
import { ProblemException } from './problem.js';

describe('ETag and If-Match', () => {
  it('tags a version strongly', () => {
    expect(etagOf(3)).toBe('"3"');
  });

  it('answers 428 when an update names no version', () => {
    for (const missing of [undefined, '', '  ']) {
      expect(() => ifMatchVersions(missing)).toThrow(ProblemException);
      try {
        ifMatchVersions(missing);
      } catch (err) {
        expect((err as ProblemException).getStatus()).toBe(428);
      }
    }
  });

  it('reads *, lists of strong tags, and never matches a weak tag', () => {
    expect(ifMatchVersions('*')).toBe('*');
    expect(ifMatchVersions('"2", "5"')).toEqual([2, 5]);
    expect(ifMatchVersions('W/"2"')).toEqual([]);
  });

  it('answers a stale write with 412 and the current ETag', () => {
    const problem = staleWrite(4);
    expect(problem.getStatus()).toBe(412);
    expect(problem.headers).toEqual({ etag: '"4"' });
  });
});

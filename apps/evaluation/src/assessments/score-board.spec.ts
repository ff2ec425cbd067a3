import { describe, expect, it } from '@jest/globals';
import { boardId, bucketOf, rowKey } from './score-board.js';

describe('score boards', () => {
  it('puts a school below a county in its county, a city-direct school and a bureau in the city', () => {
    expect(bucketOf(['city', 'county', 'school'])).toBe('county');
    expect(bucketOf(['city', 'county', 'group', 'school'])).toBe('county');
    expect(bucketOf(['city', 'school'])).toBe('city');
    expect(bucketOf(['city'])).toBe('city');
    expect(boardId('five-goods', 2031, 'county')).toBe('five-goods:2031:county');
  });

  it('makes a field name of any id: no dot, no leading dollar, and two ids never share one', () => {
    expect(rowKey('po-1')).toBe('po-1');
    expect(rowKey('$po.1')).toBe('%24po%2E1');
    expect(rowKey('%24po')).toBe('%2524po');
    expect(new Set(['a.b', 'a%2Eb', 'a$b'].map(rowKey)).size).toBe(3);
  });
});

import { describe, expect, it } from '@jest/globals';
import { NOTICE_CURSOR_PATTERN } from '@pb/contracts';
import { decodeCursor, encodeCursor } from './pagination.js';

describe('the inbox and delivery-log cursor', () => {
  it('carries the time and id of the last item, in the shape the API document declares', () => {
    const at = new Date('2027-01-12T15:59:00Z');
    const cursor = encodeCursor(at, 'delivery/张三#1');
    expect(cursor).toMatch(new RegExp(NOTICE_CURSOR_PATTERN));
    expect(decodeCursor(cursor)).toEqual({ at, id: 'delivery/张三#1' });
  });

  it('takes any string of that shape as a position (a page starting there), as the document promises', () => {
    expect(decodeCursor('0~')).toEqual({ at: new Date(0), id: '' });
    expect(decodeCursor('123~abc_-')?.at).toEqual(new Date(123));
  });

  it('refuses anything else with a 400 problem', () => {
    for (const bad of ['', 'abc', '12', '~x', '12~a b', `${'9'.repeat(16)}~x`]) {
      expect(() => decodeCursor(bad)).toThrow(expect.objectContaining({ status: 400 }));
    }
  });
});

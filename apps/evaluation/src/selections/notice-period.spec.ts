import { describe, expect, it } from '@jest/globals';
import { DateTime } from 'luxon';
import { noticeEndsAt } from './notice-period.js';

const sh = (iso: string) => DateTime.fromISO(iso, { zone: 'Asia/Shanghai' }).toJSDate();

describe('the end of a public notice in working days, city time', () => {
  it('skips the weekend: 5 working days from a Friday end after the next Friday', () => {
    expect(noticeEndsAt(sh('2031-03-07T15:00'), 5, 'Asia/Shanghai')).toEqual(sh('2031-03-15T00:00'));
  });

  it('counts from the next day in the city, whatever the UTC date', () => {
    // 2031-03-09 23:30 UTC is Monday 10 March 07:30 in Shanghai: Tue, Wed, Thu count.
    expect(noticeEndsAt(new Date('2031-03-09T23:30:00Z'), 3, 'Asia/Shanghai')).toEqual(sh('2031-03-14T00:00'));
  });
});

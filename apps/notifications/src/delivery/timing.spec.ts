import { describe, expect, it } from '@jest/globals';
import { DateTime } from 'luxon';
import { backoffMs, quietHoursEnd } from './timing.js';

const zone = 'Asia/Shanghai';
const sh = (iso: string) => DateTime.fromISO(iso, { zone }).toJSDate();

describe('quietHoursEnd', () => {
  const night = { start: '22:00', end: '07:00' };
  it.each([
    ['2027-03-09T23:30', '2027-03-10T07:00'],
    ['2027-03-10T02:00', '2027-03-10T07:00'],
    ['2027-03-10T22:00', '2027-03-11T07:00'],
  ])('holds %s (city time) until %s across midnight', (at, end) => {
    expect(quietHoursEnd(sh(at), night, zone)).toEqual(sh(end));
  });

  it.each(['2027-03-10T07:00', '2027-03-10T12:00', '2027-03-10T21:59'])('lets %s through', (at) => {
    expect(quietHoursEnd(sh(at), night, zone)).toBeNull();
  });

  it('handles a span within one day, and none', () => {
    expect(quietHoursEnd(sh('2027-03-10T12:30'), { start: '12:00', end: '14:00' }, zone)).toEqual(sh('2027-03-10T14:00'));
    expect(quietHoursEnd(sh('2027-03-10T14:00'), { start: '12:00', end: '14:00' }, zone)).toBeNull();
    expect(quietHoursEnd(sh('2027-03-10T12:30'), null, zone)).toBeNull();
  });
});

describe('backoffMs', () => {
  it('doubles from the base and stops at the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffMs(n, 30_000, 3_600_000))).toEqual([
      30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, 3_600_000,
    ]);
  });
});

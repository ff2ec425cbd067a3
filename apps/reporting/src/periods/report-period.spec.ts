import { afterEach, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { classify, DEFAULT_CALENDAR, ReportPeriod, validateCalendar, type ReportingCalendar } from './report-period.js';

const shanghai = (iso: string) => DateTime.fromISO(iso, { zone: 'Asia/Shanghai' }).toJSDate();
const localIso = (d: Date, zone = 'Asia/Shanghai') => DateTime.fromJSDate(d, { zone }).toFormat("yyyy-MM-dd'T'HH:mm");

describe('the H1 deadline, the 12th at 23:59:59 in Asia/Shanghai', () => {
  const originalTz = process.env['TZ'];
  afterEach(() => {
    process.env['TZ'] = originalTz;
  });

  it.each(['UTC', 'Asia/Shanghai', 'America/New_York', 'Pacific/Kiritimati'])('holds with the server in %s', (tz) => {
    process.env['TZ'] = tz;
    const window = ReportPeriod.parse('2026-11-H1').window(DEFAULT_CALENDAR);
    expect(classify(window, shanghai('2026-11-12T23:59:00'), shanghai('2026-11-20T00:00'))).toBe('on-time');
    expect(classify(window, shanghai('2026-11-12T23:59:59.999'), shanghai('2026-11-20T00:00'))).toBe('on-time');
    expect(classify(window, shanghai('2026-11-13T00:01:00'), shanghai('2026-11-20T00:00'))).toBe('late');
    expect(window.dueAt.toISOString()).toBe('2026-11-12T16:00:00.000Z');
  });

  it('is missing once the deadline passes with nothing submitted, open before', () => {
    const window = ReportPeriod.parse('2026-11-H1').window(DEFAULT_CALENDAR);
    expect(classify(window, null, shanghai('2026-11-12T23:59:59'))).toBe('open');
    expect(classify(window, null, shanghai('2026-11-13T00:00:00'))).toBe('missing');
  });
});

describe('H2 windows: the last three days of the month', () => {
  it.each([
    ['2026-11-H2', '30-day month', '2026-11-28T00:00', '2026-12-01T00:00'],
    ['2026-12-H2', '31-day month', '2026-12-29T00:00', '2027-01-01T00:00'],
    ['2027-02-H2', 'February 2027 (28 days)', '2027-02-26T00:00', '2027-03-01T00:00'],
    ['2028-02-H2', 'February 2028 (leap, 29 days)', '2028-02-27T00:00', '2028-03-01T00:00'],
  ])('%s (%s) opens %s and is due by the end of the last day', (id, _what, opens, due) => {
    const w = ReportPeriod.parse(id).window(DEFAULT_CALENDAR);
    expect(localIso(w.opensAt)).toBe(opens);
    expect(localIso(w.dueAt)).toBe(due);
  });
});

describe('per-city calendar', () => {
  it('moves the due day, the window length and the zone', () => {
    const cal: ReportingCalendar = { timeZone: 'Asia/Urumqi', h1DueDay: 10, h2WindowDays: 5, extensions: {} };
    const h1 = ReportPeriod.parse('2027-02-H1').window(cal);
    const h2 = ReportPeriod.parse('2027-02-H2').window(cal);
    expect(localIso(h1.dueAt, 'Asia/Urumqi')).toBe('2027-02-11T00:00');
    expect(localIso(h2.opensAt, 'Asia/Urumqi')).toBe('2027-02-24T00:00');
    expect(h1.dueAt.toISOString()).toBe('2027-02-10T18:00:00.000Z');
  });

  it('lets a bureau extend a deadline over a holiday, to the end of the given day', () => {
    const cal: ReportingCalendar = { ...DEFAULT_CALENDAR, extensions: { '2027-02-H1': { until: '2027-02-19', reason: '春节' } } };
    const w = ReportPeriod.parse('2027-02-H1').window(validateCalendar(cal));
    expect(w.extended).toBe(true);
    expect(localIso(w.dueAt)).toBe('2027-02-20T00:00');
    expect(classify(w, shanghai('2027-02-19T22:00'), shanghai('2027-03-01T00:00'))).toBe('on-time');
  });

  it.each([
    [{ timeZone: 'Mars/Olympus' }, 'timeZone'],
    [{ h1DueDay: 31 }, 'h1DueDay'],
    [{ h1DueDay: 26 }, 'h1DueDay'],
    [{ h2WindowDays: 0 }, 'h2WindowDays'],
    [{ extensions: { '2027-02-H1': { until: '2027-02-05', reason: 'x' } } }, 'extensions.2027-02-H1.until'],
    [{ extensions: { '2027-02-H1': { until: 'soon', reason: 'x' } } }, 'extensions.2027-02-H1.until'],
  ])('refuses %j naming %s', (change, field) => {
    expect(() => validateCalendar({ ...DEFAULT_CALENDAR, ...change })).toThrow(expect.objectContaining({ field }));
  });
});

describe('period ids', () => {
  it('parses and prints YYYY-MM-H1 / YYYY-MM-H2 and refuses anything else', () => {
    expect(ReportPeriod.parse('2027-02-H2').id).toBe('2027-02-H2');
    for (const bad of ['2027-2-H1', '2027-13-H1', '2027-02-H3', '2027-02', ' 2027-02-H1']) {
      expect(() => ReportPeriod.parse(bad)).toThrow(RangeError);
    }
  });
});

// Property-based checks over 2020-2035 (16 years of calendar), several zones and calendars.
const periodArb = fc
  .record({
    year: fc.integer({ min: 2020, max: 2035 }),
    month: fc.integer({ min: 1, max: 12 }),
    half: fc.constantFrom('H1' as const, 'H2' as const),
  })
  .map(({ year, month, half }) => ReportPeriod.of(year, month, half));
const calendarArb = fc
  .record({
    timeZone: fc.constantFrom('Asia/Shanghai', 'Asia/Urumqi', 'UTC', 'Europe/Berlin', 'America/New_York'),
    h2WindowDays: fc.integer({ min: 1, max: 14 }),
    dueDayFraction: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map(({ timeZone, h2WindowDays, dueDayFraction }) =>
    validateCalendar({ timeZone, h2WindowDays, h1DueDay: 1 + Math.floor(dueDayFraction * (27 - h2WindowDays)), extensions: {} }),
  );

/** The window of one half of the period's month, as local times in the calendar's zone. */
function localWindow(p: ReportPeriod, half: 'H1' | 'H2', cal: ReportingCalendar) {
  const w = ReportPeriod.of(p.year, p.month, half).window(cal);
  return { due: DateTime.fromJSDate(w.dueAt, { zone: cal.timeZone }), opens: DateTime.fromJSDate(w.opensAt, { zone: cal.timeZone }) };
}

describe('properties over 16 years of calendar', () => {
  it('H2 is due at the first local instant of the next month and opens h2WindowDays calendar days before', () => {
    fc.assert(
      fc.property(periodArb, calendarArb, (p, cal) => {
        const { due, opens } = localWindow(p, 'H2', cal);
        const monthEnd = DateTime.fromObject({ year: p.year, month: p.month, day: 1 }, { zone: cal.timeZone }).endOf('month');
        return (
          due.day === 1 &&
          due.hour === 0 &&
          due.minute === 0 &&
          due.minus({ days: 1 }).day === monthEnd.day &&
          opens.hour === 0 &&
          Math.round(due.diff(opens, 'days').days) === cal.h2WindowDays &&
          opens.month === p.month
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('H1 opens on the 1st and is due at the start of the day after the due day, local time', () => {
    fc.assert(
      fc.property(periodArb, calendarArb, (p, cal) => {
        const { due, opens } = localWindow(p, 'H1', cal);
        return (
          opens.day === 1 && opens.hour === 0 && due.minus({ days: 1 }).day === cal.h1DueDay && due.hour === 0 && due.month === p.month
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('a submission is on time exactly when it comes before the deadline, whatever the instant', () => {
    fc.assert(
      fc.property(periodArb, calendarArb, fc.integer({ min: -40 * 86_400_000, max: 40 * 86_400_000 }), (p, cal, offset) => {
        const w = p.window(cal);
        const at = new Date(w.dueAt.getTime() + offset);
        return classify(w, at, at) === (offset < 0 ? 'on-time' : 'late');
      }),
      { numRuns: 2000 },
    );
  });

  it('the first half is always due before the second half opens', () => {
    fc.assert(
      fc.property(periodArb, calendarArb, (p, cal) => {
        const h1 = ReportPeriod.of(p.year, p.month, 'H1').window(cal);
        const h2 = ReportPeriod.of(p.year, p.month, 'H2').window(cal);
        return h1.dueAt <= h2.opensAt;
      }),
      { numRuns: 2000 },
    );
  });

  it('periods chain without gaps: next and previous are inverse and ordered, windows never run backwards', () => {
    fc.assert(
      fc.property(periodArb, calendarArb, (p, cal) => {
        const n = p.next();
        return (
          n.previous().id === p.id &&
          p.previous().next().id === p.id &&
          p.compare(n) < 0 &&
          ReportPeriod.parse(p.id).id === p.id &&
          p.window(cal).opensAt < p.window(cal).dueAt &&
          p.window(cal).dueAt <= n.window(cal).dueAt
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('the current period at any instant is H1 before the H1 deadline of that local month, else H2', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2020-01-01'), max: new Date('2035-12-31'), noInvalidDate: true }), calendarArb, (at, cal) => {
        const current = ReportPeriod.current(at, cal);
        const local = DateTime.fromJSDate(at, { zone: cal.timeZone });
        const h1Due = ReportPeriod.of(local.year, local.month, 'H1').window(cal).dueAt;
        return current.year === local.year && current.month === local.month && current.half === (at < h1Due ? 'H1' : 'H2');
      }),
      { numRuns: 2000 },
    );
  });
});

import { DateTime } from 'luxon';

/**
 * The end of the quiet hours `now` falls in, or null when it is outside them. Hours are local to the
 * city zone; a span may cross midnight (22:00-07:00). start == end means no quiet hours.
 */
export function quietHoursEnd(now: Date, quiet: { start: string; end: string } | null, timeZone: string): Date | null {
  if (!quiet || quiet.start === quiet.end) return null;
  const local = DateTime.fromJSDate(now, { zone: timeZone });
  const at = (hhmm: string, day: DateTime) => {
    const [h, m] = hhmm.split(':').map(Number) as [number, number];
    return day.set({ hour: h, minute: m, second: 0, millisecond: 0 });
  };
  const today = local.startOf('day');
  const minutes = local.hour * 60 + local.minute;
  const toMin = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  const start = toMin(quiet.start);
  const end = toMin(quiet.end);
  if (start < end) {
    return minutes >= start && minutes < end ? at(quiet.end, today).toJSDate() : null;
  }
  // Crosses midnight: quiet from start to 24:00 and from 00:00 to end.
  if (minutes >= start) return at(quiet.end, today.plus({ days: 1 })).toJSDate();
  if (minutes < end) return at(quiet.end, today).toJSDate();
  return null;
}

/** Delay before attempt `failedAttempt + 1`: base, doubling, capped. */
export function backoffMs(failedAttempt: number, baseMs: number, maxMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, failedAttempt - 1), maxMs);
}

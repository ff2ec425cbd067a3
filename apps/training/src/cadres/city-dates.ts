import { DateTime } from 'luxon';

/** Calendar dates (`YYYY-MM-DD`) in the city's time zone: assignments run by days, ages by years. */
export function cityToday(now: Date, timeZone: string): string {
  return DateTime.fromJSDate(now, { zone: timeZone }).toISODate()!;
}

export function cityYear(now: Date, timeZone: string): number {
  return DateTime.fromJSDate(now, { zone: timeZone }).year;
}

/** `date` plus `days` calendar days. */
export function addDays(date: string, days: number): string {
  return DateTime.fromISO(date, { zone: 'UTC' }).plus({ days }).toISODate()!;
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round(DateTime.fromISO(to, { zone: 'UTC' }).diff(DateTime.fromISO(from, { zone: 'UTC' }), 'days').days);
}

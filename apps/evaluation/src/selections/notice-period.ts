import { DateTime } from 'luxon';

/**
 * 公示期 The end of a public notice of `workingDays` working days (Monday to Friday) that starts at
 * `start`, in the city's time zone: the day it starts does not count, and the notice ends at the
 * start of the day after its last working day (the first instant objections are closed).
 */
export function noticeEndsAt(start: Date, workingDays: number, timeZone: string): Date {
  let day = DateTime.fromJSDate(start, { zone: timeZone }).startOf('day');
  for (let counted = 0; counted < workingDays;) {
    day = day.plus({ days: 1 });
    if (day.weekday <= 5) counted++;
  }
  return day.plus({ days: 1 }).startOf('day').toJSDate();
}

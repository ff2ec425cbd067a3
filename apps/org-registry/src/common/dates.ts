import { loadConfig } from '@pb/platform';
import { registryEnv } from '../config.js';

/** Calendar dates as `YYYY-MM-DD` strings: the rules of the registry are about days, not instants. */

export interface Span {
  years?: number;
  months?: number;
  days?: number;
}

let cityTimeZone: string | undefined;

/** Today in the city's time zone (CITY_TIME_ZONE, validated with the registry's config and checked at boot). */
export function today(now = new Date(), timeZone = (cityTimeZone ??= loadConfig(registryEnv).CITY_TIME_ZONE)): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

export function isValidDate(date: string): boolean {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/**
 * Adds a calendar span. A month or year that lands past the end of a month is clamped to its last
 * day (2024-02-29 + 1 year = 2025-02-28), as a person counting on a calendar would.
 */
export function addSpan(date: string, span: Span): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const totalMonths = y * 12 + (m - 1) + (span.years ?? 0) * 12 + (span.months ?? 0);
  const ny = Math.floor(totalMonths / 12);
  const nm = totalMonths % 12;
  const lastDay = new Date(Date.UTC(ny, nm + 1, 0)).getUTCDate();
  const t = new Date(Date.UTC(ny, nm, Math.min(d, lastDay)));
  t.setUTCDate(t.getUTCDate() + (span.days ?? 0));
  return t.toISOString().slice(0, 10);
}

export function describeSpan(span: Span): { zh: string; en: string } {
  const zh: string[] = [];
  const en: string[] = [];
  if (span.years) {
    zh.push(`${span.years}年`);
    en.push(`${span.years} year(s)`);
  }
  if (span.months) {
    zh.push(`${span.months}个月`);
    en.push(`${span.months} month(s)`);
  }
  if (span.days) {
    zh.push(`${span.days}天`);
    en.push(`${span.days} day(s)`);
  }
  return { zh: zh.join('') || '0天', en: en.join(' ') || '0 days' };
}

import { DateTime, IANAZone } from 'luxon';

/** 上半月 first half (due by the 12th) or 下半月 second half (the last days of the month). */
export type Half = 'H1' | 'H2';

/** A half-month reporting period id: `YYYY-MM-H1` or `YYYY-MM-H2`. */
export type ReportPeriodId = `${number}-${string}-${Half}`;

const PERIOD_ID = /^(\d{4})-(0[1-9]|1[0-2])-(H1|H2)$/;

/**
 * The calendar rules of one city (半月报制度). Defaults follow the source document: the first half
 * is due by the 12th, the second half within the last three days of the month, in the city's zone.
 */
export interface ReportingCalendar {
  /** IANA time zone the rules are evaluated in. */
  timeZone: string;
  /** Day of the month the first half is due by (end of that day, local time). */
  h1DueDay: number;
  /** Length of the second half's window in days, ending with the last day of the month. */
  h2WindowDays: number;
  /** Deadlines a bureau extended (holidays): period id -> last local day, inclusive. */
  extensions: Partial<Record<ReportPeriodId, { until: string; reason: string }>>;
}

export const DEFAULT_CALENDAR: ReportingCalendar = {
  timeZone: 'Asia/Shanghai',
  h1DueDay: 12,
  h2WindowDays: 3,
  extensions: {},
};

export class InvalidCalendarError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'InvalidCalendarError';
  }
}

/** Checks a calendar before it is stored; returns it unchanged when valid. */
export function validateCalendar(calendar: ReportingCalendar): ReportingCalendar {
  if (!IANAZone.isValidZone(calendar.timeZone)) throw new InvalidCalendarError('timeZone', 'must be an IANA time zone');
  if (!Number.isInteger(calendar.h1DueDay) || calendar.h1DueDay < 1 || calendar.h1DueDay > 28) {
    throw new InvalidCalendarError('h1DueDay', 'must be a whole day between 1 and 28');
  }
  if (!Number.isInteger(calendar.h2WindowDays) || calendar.h2WindowDays < 1 || calendar.h2WindowDays > 14) {
    throw new InvalidCalendarError('h2WindowDays', 'must be a whole number of days between 1 and 14');
  }
  if (calendar.h1DueDay > 28 - calendar.h2WindowDays) {
    // In February (28 days) the first half must be due before the second half's window opens.
    throw new InvalidCalendarError('h1DueDay', `must be at most ${28 - calendar.h2WindowDays} so the halves never overlap`);
  }
  for (const [id, ext] of Object.entries(calendar.extensions)) {
    const period = ReportPeriod.parse(id);
    const until = DateTime.fromISO(ext?.until ?? '', { zone: calendar.timeZone });
    if (!until.isValid || !/^\d{4}-\d{2}-\d{2}$/.test(ext?.until ?? '')) {
      throw new InvalidCalendarError(`extensions.${id}.until`, 'must be a date YYYY-MM-DD');
    }
    const normal = period.window({ ...calendar, extensions: {} }).dueAt;
    if (until.plus({ days: 1 }).startOf('day').toJSDate() <= normal) {
      throw new InvalidCalendarError(`extensions.${id}.until`, 'must be after the normal deadline');
    }
  }
  return calendar;
}

/** When a period's form can be submitted and when it is due, as instants (UTC). */
export interface PeriodWindow {
  /** First instant a submission is accepted. */
  opensAt: Date;
  /** First instant a submission counts as late (the deadline is the instant just before). */
  dueAt: Date;
  /** Whether a bureau extension moved `dueAt`. */
  extended: boolean;
}

/** 半月报期次 A half-month reporting period. Immutable. */
export class ReportPeriod {
  private constructor(
    readonly year: number,
    readonly month: number,
    readonly half: Half,
  ) {}

  static of(year: number, month: number, half: Half): ReportPeriod {
    if (!Number.isInteger(year) || year < 2000 || year > 2999) throw new RangeError(`year ${year} out of range`);
    if (!Number.isInteger(month) || month < 1 || month > 12) throw new RangeError(`month ${month} out of range`);
    return new ReportPeriod(year, month, half);
  }

  static parse(id: string): ReportPeriod {
    const m = PERIOD_ID.exec(id);
    if (!m) throw new RangeError(`"${id}" is not a period id YYYY-MM-H1 or YYYY-MM-H2`);
    return ReportPeriod.of(Number(m[1]), Number(m[2]), m[3] as Half);
  }

  static isId(id: string): id is ReportPeriodId {
    return PERIOD_ID.test(id);
  }

  get id(): ReportPeriodId {
    return `${this.year}-${String(this.month).padStart(2, '0')}-${this.half}`;
  }

  toString(): string {
    return this.id;
  }

  next(): ReportPeriod {
    if (this.half === 'H1') return new ReportPeriod(this.year, this.month, 'H2');
    return this.month === 12 ? new ReportPeriod(this.year + 1, 1, 'H1') : new ReportPeriod(this.year, this.month + 1, 'H1');
  }

  previous(): ReportPeriod {
    if (this.half === 'H2') return new ReportPeriod(this.year, this.month, 'H1');
    return this.month === 1 ? new ReportPeriod(this.year - 1, 12, 'H2') : new ReportPeriod(this.year, this.month - 1, 'H2');
  }

  compare(other: ReportPeriod): number {
    return this.id < other.id ? -1 : this.id > other.id ? 1 : 0;
  }

  /**
   * The window in the city's zone: H1 opens on the 1st and is due by the end of the due day; H2
   * opens `h2WindowDays` before the month ends and is due by the end of its last day. An extension
   * moves the deadline to the end of its day. Month lengths and leap years come from the calendar.
   */
  window(calendar: ReportingCalendar): PeriodWindow {
    const zone = calendar.timeZone;
    const monthStart = DateTime.fromObject({ year: this.year, month: this.month, day: 1 }, { zone });
    const nextMonthStart = monthStart.plus({ months: 1 });
    let opensAt: DateTime;
    let dueAt: DateTime;
    if (this.half === 'H1') {
      opensAt = monthStart;
      dueAt = monthStart.set({ day: calendar.h1DueDay }).plus({ days: 1 });
    } else {
      opensAt = nextMonthStart.minus({ days: calendar.h2WindowDays });
      dueAt = nextMonthStart;
    }
    const extension = calendar.extensions[this.id];
    let extended = false;
    if (extension) {
      const until = DateTime.fromISO(extension.until, { zone }).startOf('day').plus({ days: 1 });
      if (until > dueAt) {
        dueAt = until;
        extended = true;
      }
    }
    return { opensAt: opensAt.toJSDate(), dueAt: dueAt.toJSDate(), extended };
  }

  /** The period whose form is being filled at `instant`: H1 until its deadline, then H2 (in the city's zone). */
  static current(instant: Date, calendar: ReportingCalendar): ReportPeriod {
    const local = DateTime.fromJSDate(instant, { zone: calendar.timeZone });
    const h1 = ReportPeriod.of(local.year, local.month, 'H1');
    return instant < h1.window({ ...calendar, extensions: {} }).dueAt ? h1 : h1.next();
  }
}

/** 按时 on time, 迟报 late, 未报 missing (deadline passed, nothing submitted), or still open. */
export type Timeliness = 'on-time' | 'late' | 'missing' | 'open';

/** Classifies one expected report from its first submission time and the clock. */
export function classify(window: PeriodWindow, firstSubmittedAt: Date | null, now: Date): Timeliness {
  if (firstSubmittedAt) return firstSubmittedAt < window.dueAt ? 'on-time' : 'late';
  return now < window.dueAt ? 'open' : 'missing';
}

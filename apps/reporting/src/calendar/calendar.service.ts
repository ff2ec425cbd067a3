import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { OutboxRelay } from '@pb/messaging';
import { auditWriteEvent, checkIfMatch, problem, staleWrite, type Identity } from '@pb/platform';
import { DEFAULT_CALENDAR, InvalidCalendarError, validateCalendar, type ReportingCalendar } from '../periods/report-period.js';
import { CALENDAR_MODEL, type CalendarDoc } from './calendar.schema.js';

export type CityCalendar = ReportingCalendar & { lockAfterDays: number; version: number };

export const DEFAULT_LOCK_AFTER_DAYS = 15;

@Injectable()
export class CalendarService implements OnModuleInit {
  private cached?: { at: number; value: CityCalendar };

  constructor(
    @InjectModel(CALENDAR_MODEL) private readonly calendars: Model<CalendarDoc>,
    private readonly relay: OutboxRelay,
  ) {}

  onModuleInit() {
    this.relay.register(this.calendars);
  }

  /** The city's calendar (defaults until a city administrator sets one); cached for a few seconds. */
  async get(): Promise<CityCalendar> {
    if (this.cached && Date.now() - this.cached.at < 5_000) return this.cached.value;
    const doc = await this.calendars.findById('city').lean<CalendarDoc>();
    const value: CityCalendar = doc
      ? {
          timeZone: doc.timeZone,
          h1DueDay: doc.h1DueDay,
          h2WindowDays: doc.h2WindowDays,
          extensions: doc.extensions ?? {},
          lockAfterDays: doc.lockAfterDays,
          version: doc.version,
        }
      : { ...DEFAULT_CALENDAR, lockAfterDays: DEFAULT_LOCK_AFTER_DAYS, version: 0 };
    this.cached = { at: Date.now(), value };
    return value;
  }

  /** Replaces the calendar (city administrators only); `If-Match` (optional) guards against lost updates. */
  async put(
    input: Omit<CityCalendar, 'version'>,
    caller: Identity,
    ifMatch: string | undefined,
    correlationId?: string,
  ): Promise<CityCalendar> {
    if (!caller.roles.includes('city-admin')) {
      throw problem.forbidden({
        zh: '只有市教育局管理员可以设定报送日历',
        en: 'Only the city administrator sets the reporting calendar',
      });
    }
    try {
      validateCalendar(input);
    } catch (err) {
      if (err instanceof InvalidCalendarError) {
        throw problem.validation({ zh: '报送日历无效', en: 'Invalid reporting calendar' }, [
          { pointer: `/${err.field.replace(/\./g, '/')}`, rule: 'calendar', message: { zh: err.message, en: err.message } },
        ]);
      }
      throw err;
    }
    const current = await this.get();
    checkIfMatch(ifMatch, current.version);
    const version = current.version + 1;
    // The audit record goes in the same write as the change (docs/adr/0007); the bureau is the caller's unit.
    const audit = auditWriteEvent({
      service: 'reporting',
      actor: caller,
      action: 'reporting-calendar.updated',
      resourceType: 'reporting-calendar',
      resourceId: 'city',
      unitId: caller.orgUnitId,
      before: current.version === 0 ? null : current,
      after: { ...input, version },
      ...(correlationId ? { correlationId } : {}),
    });
    const res = await this.calendars.updateOne(
      { _id: 'city', ...(current.version === 0 ? {} : { version: current.version }) },
      { $set: { ...input, version, updatedBy: caller.sub }, $push: { outbox: audit } },
      { upsert: current.version === 0 },
    );
    if (res.matchedCount === 0 && res.upsertedCount === 0) {
      // Changed between the read and the write: the same 412 as a stale If-Match, with the version now stored.
      this.cached = undefined;
      throw staleWrite((await this.get()).version);
    }
    this.cached = undefined;
    this.relay.nudge();
    return this.get();
  }
}

import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectConnection, InjectModel } from '@nestjs/mongoose';
import type { Connection, Model } from 'mongoose';
import { PeriodClosedV1, ReportOverdueV1 } from '@pb/contracts';
import { OutboxRelay, pendingEvent } from '@pb/messaging';
import type { Lease } from '@pb/persistence';
import {
  Clock,
  InjectScopedModel,
  leasedRunner,
  OrgUnitDirectory,
  PartyOrgDirectory,
  Scope,
  type PartyOrgRef,
  type ScopedModel,
  type PeriodicRunner,
} from '@pb/platform';
import { CalendarService, type CityCalendar } from '../calendar/calendar.service.js';
import { ReportPeriod } from '../periods/report-period.js';
import { HALF_MONTH_REPORT_MODEL, type HalfMonthReport } from '../reports/half-month-report.schema.js';
import { ReportsService } from '../reports/reports.service.js';
import { reportEvent } from '../reports/report-event.js';
import { PERIOD_MODEL, type PeriodDoc } from './period.schema.js';

/** The scheduler acts for no caller: it closes every party organisation's reports of a period. */
const SYSTEM = Scope.system('deadline scheduler: reports missing at the deadline');
/** Party organisations whose expected reports go in one insert when a period opens. */
const OPEN_BATCH = 500;

export const SCHEDULER_OPTIONS = Symbol('SCHEDULER_OPTIONS');
export interface SchedulerOptions {
  /** How often the scheduler looks at the clock; 0 turns the timer off (tests call tick()). */
  tickMs: number;
}

/**
 * Opens each period (one expected report per active party organisation) and, at its deadline,
 * classifies every report still without a submission as missing, with a `report.overdue` event.
 * State lives in the store and every step is a conditional write, so it survives restarts; a lease
 * makes one replica act at a time, and a second pass changes nothing.
 */
@Injectable()
export class DeadlineScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('DeadlineScheduler');
  private readonly lease: Lease;
  private readonly runner: PeriodicRunner<{ leader: true; opened: string[]; closed: string[] }>;

  constructor(
    @InjectConnection() connection: Connection,
    @InjectModel(PERIOD_MODEL) private readonly periods: Model<PeriodDoc>,
    @InjectScopedModel(HALF_MONTH_REPORT_MODEL) private readonly reports: ScopedModel<HalfMonthReport>,
    @Inject(SCHEDULER_OPTIONS) options: SchedulerOptions,
    private readonly reportsService: ReportsService,
    private readonly directory: PartyOrgDirectory,
    private readonly units: OrgUnitDirectory,
    private readonly calendar: CalendarService,
    private readonly relay: OutboxRelay,
    private readonly clock: Clock,
  ) {
    ({ lease: this.lease, runner: this.runner } = leasedRunner(
      this.logger,
      connection,
      'deadline-scheduler',
      options.tickMs,
      clock,
      (now) => this.pass(now),
    ));
  }

  onApplicationBootstrap() {
    this.relay.register(this.periods);
    this.directory.follow((partyOrg) => this.expectLate(partyOrg));
    this.runner.start();
  }

  /**
   * A party organisation that becomes active while a period is open (opening, or opened and before its
   * deadline) is expected for it too: the bureau's figures count every active party organisation of an
   * open period, whether it was registered before the period opened or after. Idempotent (the report
   * is created once), so the directory may call it again on a redelivery; a period still opening is
   * covered from both sides (its cursor starts after the period row, this looks for the row).
   */
  private async expectLate(partyOrg: PartyOrgRef): Promise<void> {
    if (!partyOrg.active) return;
    const calendar = await this.calendar.get();
    const current = ReportPeriod.current(this.clock.now(), calendar);
    const open = await this.periods
      .find({ _id: { $in: [current.id, current.next().id] }, closedAt: null, dueAt: { $gt: this.clock.now() } })
      .lean<PeriodDoc[]>();
    let created = 0;
    for (const p of open) created += await this.reportsService.expectAll([partyOrg], ReportPeriod.parse(p._id), calendar);
    if (created > 0) this.relay.nudge();
  }

  async beforeApplicationShutdown() {
    await this.runner.stop();
  }

  /** One pass at `now`, if this replica holds the lease. Returns what it did, for logs and tests. */
  async tick(now = this.clock.now()): Promise<{ leader: boolean; opened: string[]; closed: string[] }> {
    return (await this.runner.run(now)) ?? { leader: false, opened: [], closed: [] };
  }

  private async pass(now: Date): Promise<{ leader: true; opened: string[]; closed: string[] }> {
    const calendar = await this.calendar.get();
    const opened: string[] = [];
    const current = ReportPeriod.current(now, calendar);
    for (const period of [current, current.next()]) {
      if (period.window(calendar).opensAt <= now && (await this.open(period, calendar))) opened.push(period.id);
    }
    const closed: string[] = [];
    const due = await this.periods
      .find({ closedAt: null, openedAt: { $ne: null }, dueAt: { $lte: now } })
      .sort({ dueAt: 1 })
      .lean<PeriodDoc[]>();
    for (const p of due) {
      await this.close(ReportPeriod.parse(p._id), calendar, now);
      closed.push(p._id);
    }
    return { leader: true, opened, closed };
  }

  /** Creates the period's expected reports once; returns true when this pass opened it. */
  private async open(period: ReportPeriod, calendar: CityCalendar): Promise<boolean> {
    const window = period.window(calendar);
    await this.periods.updateOne(
      { _id: period.id },
      { $setOnInsert: { openedAt: null, closedAt: null, dueAt: window.dueAt } },
      { upsert: true },
    );
    const state = await this.periods.findById(period.id).lean<PeriodDoc>();
    if (state?.openedAt) return false;
    let expected = 0;
    let run: PartyOrgRef[] = [];
    const expectRun = async () => {
      await this.reportsService.expectAll(run, period, calendar);
      expected += run.length;
      run = [];
      this.relay.nudge();
      await this.lease.acquire(this.clock.now()); // a long opening keeps the lease
    };
    for await (const partyOrg of this.directory.activePartyOrgs()) {
      run.push(partyOrg);
      if (run.length === OPEN_BATCH) await expectRun();
    }
    await expectRun();
    await this.periods.updateOne(
      { _id: period.id, openedAt: null },
      { $set: { openedAt: this.clock.now(), expected, dueAt: window.dueAt } },
    );
    this.relay.nudge();
    this.logger.log(`opened ${period.id}: ${expected} reports expected`);
    return true;
  }

  /** Classifies the period's reports without a submission as missing, each with its overdue event. */
  private async close(period: ReportPeriod, calendar: CityCalendar, now: Date) {
    const window = period.window(calendar);
    if (window.dueAt > now) return; // a bureau extended the deadline since the period opened
    const pending = this.reports
      .find(
        SYSTEM,
        { periodId: period.id, timeliness: null, firstSubmittedAt: null },
        { outbox: 0, revisions: 0, draft: 0, pendingHistory: 0, submitKeys: 0 },
      )
      .lean<HalfMonthReport[]>()
      .cursor();
    for await (const doc of pending as unknown as AsyncIterable<HalfMonthReport>) {
      const event = reportEvent(ReportOverdueV1, doc, { dueAt: doc.dueAt.toISOString(), reviewers: doc.reviewers });
      // Matches once: a second replica or a second pass finds timeliness already set.
      await this.reports.updateOne(
        SYSTEM,
        { _id: doc._id, timeliness: null, firstSubmittedAt: null },
        { $set: { timeliness: 'missing' }, $inc: { version: 1 }, $push: { outbox: event } },
      );
    }
    // Counted, not summed, so a pass interrupted half-way and run again still gets it right.
    const totalMissing = await this.reports.countDocuments(SYSTEM, { periodId: period.id, timeliness: 'missing' });
    // Counted too: party organisations registered after the period opened are expected as well.
    const expected = await this.reports.countDocuments(SYSTEM, { periodId: period.id });
    const cityId = (await this.units.root())?._id ?? 'city';
    const closedEvent = pendingEvent(PeriodClosedV1, {
      key: cityId,
      subject: `periods/${period.id}`,
      data: { cityId, periodId: period.id, dueAt: window.dueAt.toISOString(), expected, missing: totalMissing },
    });
    await this.periods.updateOne(
      { _id: period.id, closedAt: null },
      { $set: { closedAt: now, expected, missing: totalMissing }, $push: { outbox: closedEvent } },
    );
    this.relay.nudge();
    this.logger.log(`closed ${period.id}: ${totalMissing} missing`);
  }
}

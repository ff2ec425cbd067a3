import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection, Connection } from 'mongoose';
import { insertNew, type Lease } from '@pb/persistence';
import { Clock, leasedRunner, type PeriodicRunner } from '@pb/platform';
import { Dispatcher } from '../dispatch/dispatcher.js';
import { NOTIFICATIONS_OPTIONS, type NotificationsOptions } from '../options.js';
import type { Notice } from '../rules/notice.js';
import { C } from '../store.js';

/** A notice waiting for its instant (a reminder): `_id` is the notice id. */
interface ScheduledNotice {
  _id: string;
  fireAt: Date;
  /** When it was scheduled (the scheduling replica's clock). */
  scheduledAt: Date;
  notice: Omit<Notice, 'createdAt'>;
}

interface SchedulerPass {
  leader: boolean;
  fired: number;
  cancelled: number;
  expired: number;
}

interface Cancellation {
  _id: string;
  at: Date;
  eventId: string;
}

/**
 * 定时通知 Scheduled notices (reminders) in the store, so they survive restarts. One pass dispatches
 * those whose instant came, unless a cancel tag was recorded first (the report was submitted) or
 * they expired (the deadline passed), then removes them. A lease lets one replica pass at a time;
 * were two to fire the same reminder anyway, the deterministic delivery ids keep it to one.
 */
/** Scheduled notices read per pass; the rest wait for the next pass. */
const MAX_PER_PASS = 50_000;
/** Ids per delete statement: the local store's `_id: {$in}` index lookup takes up to 1,000. */
const DELETE_CHUNK = 1_000;

@Injectable()
export class NoticeScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('NoticeScheduler');
  private readonly lease: Lease;
  private readonly runner: PeriodicRunner<SchedulerPass>;

  constructor(
    @InjectConnection() private readonly connection: Connection,
    @Inject(NOTIFICATIONS_OPTIONS) private readonly options: NotificationsOptions,
    private readonly dispatcher: Dispatcher,
    private readonly clock: Clock,
  ) {
    ({ lease: this.lease, runner: this.runner } = leasedRunner(this.logger, connection, 'notice-scheduler', options.tickMs, clock, (now) =>
      this.pass(now),
    ));
  }

  private get scheduled(): Collection<ScheduledNotice> {
    return this.connection.collection<ScheduledNotice>(C.scheduled);
  }

  private get cancellations(): Collection<Cancellation> {
    return this.connection.collection<Cancellation>(C.cancellations);
  }

  onApplicationBootstrap() {
    this.runner.start();
  }

  async beforeApplicationShutdown() {
    await this.runner.stop();
  }

  /** Records cancel tags (a report was submitted): scheduled notices carrying one never fire. */
  async cancel(tags: { tag: string; eventId: string }[], now: Date): Promise<void> {
    await insertNew(
      this.cancellations,
      tags.map(({ tag, eventId }) => ({ _id: tag, at: now, eventId })),
    );
  }

  /** Keeps notices for later; a notice already scheduled (same id) stays as it is. */
  async schedule(notices: Omit<Notice, 'createdAt'>[]): Promise<void> {
    await insertNew(
      this.scheduled,
      notices.map((notice) => ({
        _id: notice.id,
        fireAt: notice.sendAt!,
        scheduledAt: this.clock.now(),
        notice,
      })),
    );
  }

  /** Dispatches notices now, except cancelled or expired ones. */
  async fire(notices: Omit<Notice, 'createdAt'>[], now: Date): Promise<{ fired: number; cancelled: number; expired: number }> {
    const tags = [...new Set(notices.flatMap((n) => n.cancelTags ?? []))];
    const cancelled = new Set<string>();
    if (tags.length > 0) {
      const found =
        tags.length === 1
          ? [await this.cancellations.findOne({ _id: tags[0] })].filter(Boolean)
          : await this.cancellations.find({ _id: { $in: tags } }).toArray();
      for (const c of found) cancelled.add(c!._id);
    }
    const live = notices.filter((n) => !(n.cancelTags ?? []).some((t) => cancelled.has(t)));
    const due = live.filter((n) => !n.expiresAt || n.expiresAt > now);
    await this.dispatcher.dispatch(
      due.map((n) => ({ ...n, createdAt: now })),
      now,
    );
    return {
      fired: due.length,
      cancelled: notices.length - live.length,
      expired: live.length - due.length,
    };
  }

  /** One pass at `now`, if this replica holds the lease. Returns what it did, for logs and tests. */
  async tick(now = this.clock.now()): Promise<SchedulerPass> {
    return (await this.runner.run(now)) ?? { leader: false, fired: 0, cancelled: 0, expired: 0 };
  }

  private async pass(now: Date): Promise<SchedulerPass> {
    const result = { leader: true, fired: 0, cancelled: 0, expired: 0 };
    const due = await this.scheduled
      .find({ fireAt: { $lte: now } })
      .limit(MAX_PER_PASS)
      .toArray();
    for (let i = 0; i < due.length; i += this.options.batchSize) {
      const r = await this.fire(
        due.slice(i, i + this.options.batchSize).map((d) => d.notice),
        now,
      );
      result.fired += r.fired;
      result.cancelled += r.cancelled;
      result.expired += r.expired;
      await this.lease.acquire(this.clock.now());
    }
    // Removed only once dispatched (a crash before this fires them again, to the same delivery ids), by
    // the ids read: a notice scheduled after the read stays for the next pass, and a pass that found
    // nothing due writes nothing. `_id: {$in}` of up to 1,000 ids is an index lookup in the local store
    // too (docs/adr/0003); a range delete made it read every scheduled notice a second time per pass.
    for (let i = 0; i < due.length; i += DELETE_CHUNK) {
      await this.scheduled.deleteMany({ _id: { $in: due.slice(i, i + DELETE_CHUNK).map((d) => d._id) } });
    }
    if (result.fired + result.cancelled + result.expired > 0)
      this.logger.log(`fired ${result.fired}, cancelled ${result.cancelled}, expired ${result.expired}`);
    return result;
  }
}

import { Controller, Inject, Injectable, type Type } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { traceIdOf, type CloudEventAttributes, type EventContract } from '@pb/contracts';
import { OnEventBatch, type EventBatchItem } from '@pb/messaging';
import { Clock } from '@pb/platform';
import { NOTIFICATION_CATALOG, NOTIFICATIONS_OPTIONS, type NotificationsOptions } from '../options.js';
import { NoticeScheduler } from '../scheduler/notice-scheduler.js';
import type { NotificationCatalog } from './catalog.js';
import { isCancel, type Notice, type NoticeDraft, type RuleSettings } from './notice.js';

/** Runs the rules of one event: records cancel tags, schedules later notices, dispatches the rest. */
@Injectable()
export class NoticeEngine {
  private readonly settings: RuleSettings;
  private readonly maxEventAgeMs: number;

  constructor(
    @Inject(NOTIFICATION_CATALOG) private readonly catalog: NotificationCatalog,
    @Inject(NOTIFICATIONS_OPTIONS) options: NotificationsOptions,
    private readonly scheduler: NoticeScheduler,
    private readonly clock: Clock,
  ) {
    this.maxEventAgeMs = options.maxEventAgeMs ?? 7 * 86_400_000;
    this.settings = {
      timeZone: options.timeZone,
      reminderDays: options.reminderDays,
      reminderHour: options.reminderHour,
    };
  }

  /**
   * The notices of one event, with their ids: the rule's own, or `<eventId>[/<key or index>]`; and the
   * event's trace id, so what the notice becomes can be found from the trace that caused it.
   */
  notices(event: { id: string; type: string; time: string; traceparent?: string | undefined; data: unknown }): {
    notices: Omit<Notice, 'createdAt'>[];
    cancel: string[];
  } {
    const outputs = this.catalog.rulesFor(event.type).flatMap((rule) => rule(event as never, this.settings));
    const drafts = outputs.filter((o): o is NoticeDraft => !isCancel(o));
    const traceId = traceIdOf(event.traceparent);
    const notices = drafts.map((d, i) => ({
      ...d,
      id: d.id ?? (d.key ? `${event.id}/${d.key}` : drafts.length > 1 ? `${event.id}/${i}` : event.id),
      eventId: event.id,
      ...(traceId ? { traceId } : {}),
      critical: this.catalog.category(d.category).critical,
    }));
    return { notices, cancel: outputs.filter(isCancel).map((c) => c.cancel) };
  }

  /** Runs the rules of one event (a re-run does nothing new: notice and delivery ids are deterministic). */
  apply(attrs: Pick<CloudEventAttributes, 'id' | 'type' | 'time' | 'traceparent'>, data: unknown): Promise<void> {
    return this.applyAll([{ event: attrs, data }]);
  }

  /**
   * Runs the rules of a run of events (one partition, in order) with one write per kind: the
   * immediate notices dispatched, then the cancel tags recorded, then the later notices kept. Each
   * immediate notice is cancelled by the tags recorded before, as one event at a time would: those
   * in the store, and those of the run up to its own event.
   */
  async applyAll(items: { event: Pick<CloudEventAttributes, 'id' | 'type' | 'time' | 'traceparent'>; data: unknown }[]): Promise<void> {
    const now = this.clock.now();
    const cancels: { tag: string; eventId: string }[] = [];
    const cancelledInRun = new Set<string>();
    const later: Omit<Notice, 'createdAt'>[] = [];
    const immediate: Omit<Notice, 'createdAt'>[] = [];
    for (const { event, data } of items) {
      const { notices, cancel } = this.notices({
        id: event.id,
        type: event.type,
        time: event.time,
        traceparent: event.traceparent,
        data,
      });
      for (const tag of cancel) {
        cancels.push({ tag, eventId: event.id });
        cancelledInRun.add(tag);
      }
      later.push(...notices.filter((n) => n.sendAt && n.sendAt > now));
      // A new consumer group reads the topics from the beginning: history is not news. Immediate
      // notices of events older than maxEventAgeMs are dropped; reminders still expire by themselves.
      const stale = now.getTime() - Date.parse(event.time) > this.maxEventAgeMs;
      immediate.push(
        ...notices.filter(
          (n) => (!n.sendAt || n.sendAt <= now) && (!stale || n.sendAt) && !(n.cancelTags ?? []).some((t) => cancelledInRun.has(t)),
        ),
      );
    }
    await this.scheduler.fire(immediate, now);
    if (cancels.length > 0) await this.scheduler.cancel(cancels, now);
    await this.scheduler.schedule(later);
  }
}

/**
 * The Kafka consumer of every event type some rule listens to, built from the catalogue: one
 * `@OnEventBatch(contracts)` handler, so registering a rule is all a new event type needs. A
 * period opening brings one `report.expected` per school; runs of them become a few writes.
 */
export function rulesConsumer(contracts: EventContract[]): Type {
  @Controller()
  class NotificationRulesConsumer {
    constructor(@Inject(NoticeEngine) readonly engine: NoticeEngine) {}

    @OnEventBatch(contracts)
    onRuleEvents(@Payload() items: EventBatchItem[]) {
      return this.engine.applyAll(items);
    }
  }
  return NotificationRulesConsumer;
}

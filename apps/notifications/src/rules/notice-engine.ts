import { Controller, Inject, Injectable, type Type } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { CloudEventAttributes, EventContract } from '@pb/contracts';
import { CloudEventContext, OnEvent } from '@pb/messaging';
import { Clock } from '@pb/platform';
import {
  NOTIFICATION_CATALOG,
  NOTIFICATIONS_OPTIONS,
  type NotificationsOptions,
} from '../options.js';
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

  /** The notices of one event, with their ids: the rule's own, or `<eventId>[/<key or index>]`. */
  notices(event: { id: string; type: string; time: string; data: unknown }): {
    notices: Omit<Notice, 'createdAt'>[];
    cancel: string[];
  } {
    const outputs = this.catalog
      .rulesFor(event.type)
      .flatMap((rule) => rule(event as never, this.settings));
    const drafts = outputs.filter((o): o is NoticeDraft => !isCancel(o));
    const notices = drafts.map((d, i) => ({
      ...d,
      id:
        d.id ??
        (d.key ? `${event.id}/${d.key}` : drafts.length > 1 ? `${event.id}/${i}` : event.id),
      eventId: event.id,
      critical: this.catalog.category(d.category).critical,
    }));
    return { notices, cancel: outputs.filter(isCancel).map((c) => c.cancel) };
  }

  async apply(
    attrs: Pick<CloudEventAttributes, 'id' | 'type' | 'time'>,
    data: unknown,
  ): Promise<void> {
    const now = this.clock.now();
    const { notices, cancel } = this.notices({
      id: attrs.id,
      type: attrs.type,
      time: attrs.time,
      data,
    });
    if (cancel.length > 0) await this.scheduler.cancel(cancel, attrs.id, now);
    await this.scheduler.schedule(notices.filter((n) => n.sendAt && n.sendAt > now));
    // A new consumer group reads the topics from the beginning: history is not news. Immediate
    // notices of events older than maxEventAgeMs are dropped; reminders still expire by themselves.
    const stale = now.getTime() - Date.parse(attrs.time) > this.maxEventAgeMs;
    await this.scheduler.fire(
      notices.filter((n) => (!n.sendAt || n.sendAt <= now) && (!stale || n.sendAt)),
      now,
    );
  }
}

/**
 * The Kafka consumer of every event type some rule listens to, built from the catalogue: one
 * `@OnEvent(contract)` handler per contract, so registering a rule is all a new event type needs.
 */
export function rulesConsumer(contracts: EventContract[]): Type {
  @Controller()
  class NotificationRulesConsumer {
    constructor(@Inject(NoticeEngine) readonly engine: NoticeEngine) {}
  }
  const proto = NotificationRulesConsumer.prototype as unknown as Record<string, unknown>;
  for (const contract of contracts) {
    const name = `on:${contract.type}`;
    proto[name] = function (
      this: NotificationRulesConsumer,
      data: unknown,
      ctx: CloudEventContext,
    ) {
      return this.engine.apply(ctx.event, data);
    };
    const descriptor = Object.getOwnPropertyDescriptor(proto, name)!;
    OnEvent(contract)(proto, name, descriptor);
    Payload()(proto, name, 0);
    Ctx()(proto, name, 1);
    Reflect.defineMetadata('design:paramtypes', [Object, CloudEventContext], proto, name);
  }
  return NotificationRulesConsumer;
}

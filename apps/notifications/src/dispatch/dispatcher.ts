import { Inject, Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import type { NotificationChannel } from '@pb/contracts';
import { insertNew } from '@pb/persistence';
import { Scope, type Role } from '@pb/platform';
import { quietHoursEnd } from '../delivery/timing.js';
import { NOTIFICATION_CATALOG, NOTIFICATIONS_OPTIONS, type NotificationsOptions } from '../options.js';
import { accountKey, allows, ProfilesService, type RecipientProfile } from '../recipients/profiles.service.js';
import type { NoticeCategory, NotificationCatalog } from '../rules/catalog.js';
import { recipientKey, type Notice, type Recipient } from '../rules/notice.js';
import { collections, type DeliveryDoc, type DeliveryTarget, type LogDoc, type QueueDoc } from '../store.js';

/** Work no caller asked for (docs/adr/0012). */
const SYSTEM = Scope.system('dispatcher: deliveries of notices');
/**
 * Turns notices into deliveries: one per (notice, recipient, channel) with the deterministic id
 * `<noticeId>:<recipientKey>:<channel>`, inserted with that unique `_id`, so an event handled twice
 * (redelivery, a crash before the consumer's ledger mark, two replicas firing one reminder) creates
 * nothing new. Inbox deliveries are delivered by being written; e-mail and webhook deliveries get
 * their first attempt in the queue.
 */
@Injectable()
export class Dispatcher {
  private readonly store: ReturnType<typeof collections>;

  constructor(
    @InjectConnection() connection: Connection,
    @Inject(NOTIFICATIONS_OPTIONS) private readonly options: NotificationsOptions,
    @Inject(NOTIFICATION_CATALOG) private readonly catalog: NotificationCatalog,
    private readonly profiles: ProfilesService,
  ) {
    this.store = collections(connection);
  }

  async dispatch(notices: Notice[], now: Date): Promise<{ deliveries: number; created: number }> {
    if (notices.length === 0) return { deliveries: 0, created: 0 };
    const byKey = await this.profiles.getMany(notices.flatMap((n) => n.recipients.map(recipientKey)));
    const subscriberKeys = new Set<string>();
    for (const n of notices) {
      for (const r of n.recipients) {
        if ('orgUnitId' in r) for (const s of this.subscribersOf(byKey.get(recipientKey(r)), r.roles)) subscriberKeys.add(accountKey(s));
      }
    }
    for (const [k, v] of await this.profiles.getMany([...subscriberKeys].filter((k) => !byKey.has(k)))) byKey.set(k, v);

    const deliveries = new Map<string, DeliveryDoc>();
    const queueFirst = new Map<string, QueueDoc>();
    for (const notice of notices) {
      const category = this.catalog.category(notice.category);
      for (const recipient of notice.recipients) {
        const key = recipientKey(recipient);
        const profile = byKey.get(key);
        const roles: Role[] = 'roles' in recipient ? recipient.roles : [];
        if (allows(profile, category, 'inbox')) {
          const d = this.delivery(notice, category, recipient, key, 'inbox', profile, roles, now);
          deliveries.set(d._id, d);
        }
        this.push(notice, category, recipient, key, profile, roles, now, deliveries, queueFirst);
        // Accounts of the unit with an addressed role who registered their own e-mail or webhook.
        if ('orgUnitId' in recipient) {
          for (const s of this.subscribersOf(profile, roles)) {
            const sKey = accountKey(s);
            this.push(notice, category, { accountId: s }, sKey, byKey.get(sKey), roles, now, deliveries, queueFirst);
          }
        }
      }
    }

    const docs = [...deliveries.values()];
    const created = await insertNew(this.store.deliveries.unscoped(SYSTEM), docs);
    const delivered: LogDoc[] = docs
      .filter((d) => d.channel === 'inbox' && created.has(d._id))
      .map((d) => ({
        _id: `${d._id}#delivered`,
        deliveryId: d._id,
        kind: 'delivered',
        at: now,
        channel: d.channel,
        recipientKey: d.recipientKey,
        category: d.category,
        unitId: d.unitId,
        scopePath: d.scopePath,
      }));
    await insertNew(this.store.log.unscoped(SYSTEM), delivered);

    // A push delivery that existed already is queued again only if its first attempt was never
    // claimed: that covers a crash between the two inserts, and never sends a delivery twice.
    const pushIds = [...queueFirst.keys()];
    const existing = pushIds.filter((id) => !created.has(id));
    let claimed = new Set<string>();
    if (existing.length > 0) {
      const claims = await this.store.claims.find({ _id: { $in: existing.map((id) => `${id}#1`) } }, { projection: { _id: 1 } }).toArray();
      claimed = new Set(claims.map((c) => c._id.replace(/#1$/, '')));
    }
    await insertNew(
      this.store.queue,
      pushIds.filter((id) => !claimed.has(id)).map((id) => queueFirst.get(id)!),
    );
    return { deliveries: docs.length, created: created.size };
  }

  private subscribersOf(profile: RecipientProfile | undefined, roles: Role[]): string[] {
    if (!profile || profile.kind !== 'unit') return [];
    return profile.subscribers.filter((s) => s.roles.some((r) => roles.includes(r))).map((s) => s.accountId);
  }

  private delivery(
    notice: Notice,
    category: NoticeCategory,
    recipient: Recipient,
    key: string,
    channel: string,
    profile: RecipientProfile | undefined,
    roles: Role[],
    now: Date,
    target?: DeliveryTarget,
  ): DeliveryDoc {
    return {
      _id: `${notice.id}:${key}:${channel}`,
      noticeId: notice.id,
      eventId: notice.eventId,
      ...(notice.traceId ? { traceId: notice.traceId } : {}),
      category: category.id,
      critical: category.critical,
      template: notice.template,
      params: notice.params,
      channel: channel.startsWith('webhook') ? 'webhook' : (channel as NotificationChannel),
      recipientKey: key,
      recipient,
      owner: key,
      audienceRoles: roles,
      ...(target ? { target } : {}),
      unitId: notice.unitId,
      scopePath: notice.unitPath,
      locale: profile?.locale ?? 'zh-Hans',
      createdAt: now,
      readAt: null,
      archivedAt: null,
    };
  }

  /** E-mail (all of the profile's addresses in one message) and each webhook of a profile. */
  private push(
    notice: Notice,
    category: NoticeCategory,
    recipient: Recipient,
    key: string,
    profile: RecipientProfile | undefined,
    roles: Role[],
    now: Date,
    deliveries: Map<string, DeliveryDoc>,
    queue: Map<string, QueueDoc>,
  ) {
    if (!profile) return;
    const add = (channelKey: string, channel: 'email' | 'webhook', target: DeliveryTarget) => {
      const d = this.delivery(notice, category, recipient, key, channelKey, profile, roles, now, target);
      deliveries.set(d._id, d);
      queue.set(d._id, {
        _id: `${d._id}#1`,
        deliveryId: d._id,
        noticeId: notice.id,
        attempt: 1,
        nextAttemptAt: this.firstAttemptAt(channel, category.critical, profile, now),
        channel,
        recipientKey: key,
        critical: category.critical,
        category: category.id,
        template: notice.template,
        params: notice.params,
        target,
        locale: d.locale,
        unitId: notice.unitId,
        scopePath: notice.unitPath,
      });
    };
    if (this.options.smtp && profile.emails.length > 0 && allows(profile, category, 'email')) {
      add('email', 'email', { emails: profile.emails.map((e) => e.address) });
    }
    if (allows(profile, category, 'webhook')) {
      for (const w of profile.webhooks) add(`webhook:${w.id}`, 'webhook', { profileKey: key, endpointId: w.id, url: w.url });
    }
  }

  /** E-mails wait for the digest window; quiet hours delay what is not critical. */
  private firstAttemptAt(channel: 'email' | 'webhook', critical: boolean, profile: RecipientProfile, now: Date): Date {
    let at = new Date(now.getTime() + (channel === 'email' ? this.options.digestWindowMs : 0));
    if (!critical) {
      const quietEnd = quietHoursEnd(now, profile.quietHours, this.options.timeZone);
      if (quietEnd && quietEnd > at) at = quietEnd;
    }
    return at;
  }
}

import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { insertNew } from '@pb/persistence';
import { Clock, OrgUnitDirectory, PeriodicRunner, Scope } from '@pb/platform';
import { NOTIFICATION_CATALOG, NOTIFICATIONS_OPTIONS, type NotificationsOptions } from '../options.js';
import { ProfilesService, type RecipientProfile } from '../recipients/profiles.service.js';
import type { NotificationCatalog } from '../rules/catalog.js';
import { collections, type LogDoc, type QueueDoc } from '../store.js';
import { langOf, renderDigest, templateFormat } from '../templates/render.js';
import { unitIdsOf } from '../units/unit-ids.js';
import { EmailChannel } from './channels/email.channel.js';
import { WebhookChannel, type AttemptResult } from './channels/webhook.channel.js';
import { backoffMs } from './timing.js';

export interface WorkerPass {
  picked: number;
  sent: number;
  retried: number;
  failed: number;
  /** E-mails that carried more than one notice. */
  digests: number;
}

const CLAIM_RETENTION_MS = 7 * 86_400_000;
const SEND_CONCURRENCY = 32;

/** Work no caller asked for (docs/adr/0012). */
const SYSTEM = Scope.system('delivery worker: outcomes of queued attempts');
/**
 * 投递 Sends queued e-mail and webhook attempts. Every attempt is claimed by inserting
 * `<deliveryId>#<attempt>` into `delivery_claims` (unique `_id`, atomic on MongoDB and FerretDB),
 * so two replicas never make the same attempt; its outcome is a log entry with the same id; a
 * retry is the next attempt's queue entry. State lives in the store, so a restart resumes, and a
 * claim left by a worker that died mid-send is taken over after `claimStaleMs` (that one attempt
 * may then have been made twice: at least once, never silently lost).
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('DeliveryWorker');
  private readonly holder = `${process.pid}-${randomUUID()}`;
  private readonly store: ReturnType<typeof collections>;
  private readonly runner: PeriodicRunner<WorkerPass>;
  private passes = 0;

  constructor(
    @InjectConnection() connection: Connection,
    @Inject(NOTIFICATIONS_OPTIONS) private readonly options: NotificationsOptions,
    @Inject(NOTIFICATION_CATALOG) private readonly catalog: NotificationCatalog,
    private readonly email: EmailChannel,
    private readonly webhook: WebhookChannel,
    private readonly profiles: ProfilesService,
    private readonly units: OrgUnitDirectory,
    private readonly clock: Clock,
  ) {
    this.store = collections(connection);
    // Every replica works the queue (claims keep them apart): no lease.
    this.runner = new PeriodicRunner(this.logger, (now) => this.tick(now), { everyMs: options.tickMs });
  }

  onApplicationBootstrap() {
    this.runner.start();
  }

  async beforeApplicationShutdown() {
    await this.runner.stop();
  }

  private get claimStaleMs() {
    return this.options.claimStaleMs ?? 10 * 60_000;
  }

  /** Sends every attempt due at `now`, batch after batch. */
  async tick(now = this.clock.now()): Promise<WorkerPass> {
    const total: WorkerPass = { picked: 0, sent: 0, retried: 0, failed: 0, digests: 0 };
    for (let i = 0; i < 1_000; i++) {
      const pass = await this.batch(now);
      for (const k of Object.keys(total) as (keyof WorkerPass)[]) total[k] += pass[k];
      if (pass.picked < this.options.batchSize) break;
    }
    if (++this.passes % 500 === 0)
      await this.store.claims.deleteMany({
        at: { $lt: new Date(now.getTime() - CLAIM_RETENTION_MS) },
      });
    return total;
  }

  private async batch(now: Date): Promise<WorkerPass> {
    const pass: WorkerPass = { picked: 0, sent: 0, retried: 0, failed: 0, digests: 0 };
    let items = await this.store.queue
      .find({ nextAttemptAt: { $lte: now } })
      .limit(this.options.batchSize)
      .toArray();
    pass.picked = items.length;
    if (items.length === 0) return pass;
    // Digest: the other e-mails waiting for the same recipients within the window go along.
    if (this.options.digestWindowMs > 0) {
      const keys = [...new Set(items.filter((q) => q.channel === 'email').map((q) => q.recipientKey))];
      if (keys.length > 0) {
        const horizon = new Date(now.getTime() + this.options.digestWindowMs);
        const more = await this.store.queue
          .find({ channel: 'email', recipientKey: { $in: keys }, nextAttemptAt: { $lte: horizon } })
          .toArray();
        const seen = new Set(items.map((q) => q._id));
        items = [...items, ...more.filter((q) => !seen.has(q._id))];
      }
    }
    const won = await insertNew(
      this.store.claims,
      items.map((q) => ({ _id: q._id, at: now, holder: this.holder })),
    );
    await this.takeOverStale(
      items.filter((q) => !won.has(q._id)),
      now,
    );
    const mine = items.filter((q) => won.has(q._id));
    if (mine.length === 0) return pass;

    const groups: QueueDoc[][] = [];
    const emailGroups = new Map<string, QueueDoc[]>();
    for (const q of mine) {
      if (q.channel === 'email') {
        const g = emailGroups.get(q.recipientKey) ?? [];
        if (g.length === 0) groups.push(g);
        g.push(q);
        emailGroups.set(q.recipientKey, g);
      } else groups.push([q]);
    }
    const names = await this.units.names(mine.flatMap((q) => unitIdsOf(q.unitId, q.params)));
    const profiles = await this.profiles.getMany(
      mine.filter((q) => 'profileKey' in q.target).map((q) => (q.target as { profileKey: string }).profileKey),
    );

    const results = new Map<string, AttemptResult>();
    let next = 0;
    const workers = Array.from({ length: Math.min(SEND_CONCURRENCY, groups.length) }, async () => {
      while (next < groups.length) {
        const group = groups[next++];
        const result = await this.sendGroup(group, now, names, profiles).catch((err: unknown): AttemptResult => ({
          ok: false,
          permanent: false,
          error: String(err),
        }));
        if (group.length > 1 && result.ok) pass.digests++;
        for (const q of group) results.set(q._id, result);
      }
    });
    await Promise.all(workers);

    const log: LogDoc[] = [];
    const retries: QueueDoc[] = [];
    for (const q of mine) {
      const r = results.get(q._id)!;
      const base = {
        _id: q._id,
        deliveryId: q.deliveryId,
        attempt: q.attempt,
        at: now,
        channel: q.channel,
        recipientKey: q.recipientKey,
        category: q.category,
        unitId: q.unitId,
        scopePath: q.scopePath,
      };
      const digestSize = q.channel === 'email' ? emailGroups.get(q.recipientKey)!.length : 1;
      if (r.ok) {
        pass.sent++;
        log.push({ ...base, kind: 'sent', ...(digestSize > 1 ? { digestSize } : {}) });
      } else if (r.permanent || q.attempt >= this.options.maxAttempts) {
        pass.failed++;
        log.push({ ...base, kind: 'failed', error: r.error });
      } else {
        pass.retried++;
        const nextAttemptAt = new Date(now.getTime() + backoffMs(q.attempt, this.options.retryBaseMs, this.options.retryMaxMs));
        log.push({ ...base, kind: 'retry', error: r.error, nextAttemptAt });
        retries.push({
          ...q,
          _id: `${q.deliveryId}#${q.attempt + 1}`,
          attempt: q.attempt + 1,
          nextAttemptAt,
          lastError: r.error,
        });
      }
    }
    // Outcome first, then the next attempt, then the queue entry goes: a crash between any two is
    // resumed by takeOverStale from what was written.
    await insertNew(this.store.log.unscoped(SYSTEM), log);
    await insertNew(this.store.queue, retries);
    await this.store.queue.deleteMany({ _id: { $in: mine.map((q) => q._id) } });
    return pass;
  }

  private async sendGroup(
    group: QueueDoc[],
    now: Date,
    names: Map<string, string>,
    profiles: Map<string, RecipientProfile>,
  ): Promise<AttemptResult> {
    const first = group[0];
    const f = templateFormat(langOf(first.locale), this.options.timeZone, (id) => names.get(id));
    const message = renderDigest(
      group.map((q) => ({ template: this.catalog.template(q.template), params: q.params })),
      f,
    );
    if (first.channel === 'email') {
      const to = [...new Set(group.flatMap((q) => ('emails' in q.target ? q.target.emails : [])))];
      return this.email.send({
        to,
        subject: message.title,
        text: message.body,
        headers: {
          'X-PB-Notices': String(group.length),
          'X-PB-Delivery': group.length === 1 ? first.deliveryId : `${first.deliveryId} (+${group.length - 1})`,
        },
      });
    }
    const target = first.target as { profileKey: string; endpointId: string; url: string };
    const endpoint = profiles.get(target.profileKey)?.webhooks.find((w) => w.id === target.endpointId);
    if (!endpoint) return { ok: false, permanent: true, error: 'webhook endpoint removed' };
    const body = JSON.stringify({
      id: first.deliveryId,
      noticeId: first.noticeId,
      category: first.category,
      critical: first.critical,
      unitId: first.unitId,
      attempt: first.attempt,
      title: message.title,
      body: message.body,
      data: first.params,
    });
    return this.webhook.send({
      url: endpoint.url,
      secret: endpoint.secret,
      body,
      deliveryId: first.deliveryId,
      category: first.category,
      now,
    });
  }

  /**
   * Attempts claimed by a worker that never wrote their outcome within `claimStaleMs` (it died):
   * finish what its log says, or count the attempt as failed with an unknown outcome and retry.
   */
  private async takeOverStale(lost: QueueDoc[], now: Date) {
    if (lost.length === 0) return;
    const claims = await this.store.claims.find({ _id: { $in: lost.map((q) => q._id) } }).toArray();
    const staleIds = new Set(claims.filter((c) => c.at.getTime() < now.getTime() - this.claimStaleMs).map((c) => c._id));
    for (const q of lost.filter((x) => staleIds.has(x._id))) {
      const outcome = await this.store.log.unscoped(SYSTEM).findOne({ _id: q._id });
      if (!outcome) {
        const error = 'the worker stopped during this attempt; outcome unknown';
        const nextAttemptAt = now;
        if (q.attempt >= this.options.maxAttempts) {
          await insertNew(this.store.log.unscoped(SYSTEM), [
            {
              _id: q._id,
              deliveryId: q.deliveryId,
              kind: 'failed',
              attempt: q.attempt,
              at: now,
              error,
              channel: q.channel,
              recipientKey: q.recipientKey,
              category: q.category,
              unitId: q.unitId,
              scopePath: q.scopePath,
            },
          ]);
        } else {
          await insertNew(this.store.log.unscoped(SYSTEM), [
            {
              _id: q._id,
              deliveryId: q.deliveryId,
              kind: 'retry',
              attempt: q.attempt,
              at: now,
              error,
              nextAttemptAt,
              channel: q.channel,
              recipientKey: q.recipientKey,
              category: q.category,
              unitId: q.unitId,
              scopePath: q.scopePath,
            },
          ]);
          await insertNew(this.store.queue, [
            {
              ...q,
              _id: `${q.deliveryId}#${q.attempt + 1}`,
              attempt: q.attempt + 1,
              nextAttemptAt,
              lastError: error,
            },
          ]);
        }
      } else if (outcome.kind === 'retry') {
        await insertNew(this.store.queue, [
          {
            ...q,
            _id: `${q.deliveryId}#${q.attempt + 1}`,
            attempt: q.attempt + 1,
            nextAttemptAt: outcome.nextAttemptAt ?? now,
            lastError: outcome.error ?? '',
          },
        ]);
      }
      await this.store.queue.deleteOne({ _id: q._id });
      this.logger.warn(`took over stale attempt ${q._id} (${outcome ? outcome.kind : 'no outcome'})`);
    }
  }
}

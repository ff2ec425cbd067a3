import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Filter } from 'mongodb';
import type { Connection } from 'mongoose';
import { problem, OrgUnitDirectory, Scope, type Identity, type Role } from '@pb/platform';
import { newestFirst } from '../pagination.js';
import { accountKey, collections, DELIVERY_OWNERSHIP, unitKey, type LogDoc, type LogKind } from '../store.js';

const SUPERVISING: Role[] = ['city-admin', 'county-admin', 'inspector'];

/**
 * 投递日志 What happened to deliveries: delivered (inbox), sent, retried (with the error and the next
 * attempt), failed (with the reason), read, archived. A bureau reads its whole subtree (every
 * delivery about a unit under it, to whomever); a school reads what was sent to it.
 */
@Injectable()
export class DeliveryLogService {
  private readonly store: ReturnType<typeof collections>;

  constructor(
    @InjectConnection() connection: Connection,
    private readonly units: OrgUnitDirectory,
  ) {
    this.store = collections(connection);
  }

  /** A unit outside the caller's subtree (or unknown) answers 404, like elsewhere on the platform. */
  private async assertInScope(caller: Identity, unit: string) {
    // Only a supervising role reads below its own unit: for the others no unit but their own has a path.
    const supervising = caller.roles.some((r) => SUPERVISING.includes(r));
    await Scope.of(caller).unit(unit, (id) => (supervising ? this.units.pathOf(id) : Promise.resolve(null)), {
      zh: '找不到该单位',
      en: 'Org unit not found',
    });
  }

  /** Beyond the scope (its subtree, or what was sent to it): only a supervising role reads the subtree. */
  private narrowed(caller: Identity): Filter<LogDoc> {
    if (caller.roles.some((r) => SUPERVISING.includes(r))) return {};
    return { recipientKey: { $in: [unitKey(caller.orgUnitId), accountKey(caller.sub)] } };
  }

  async list(
    caller: Identity,
    q: {
      kind?: LogKind;
      channel?: string;
      unit?: string;
      category?: string;
      deliveryId?: string;
      cursor?: string;
      limit: number;
    },
  ) {
    if (q.unit) await this.assertInScope(caller, q.unit);
    const filter: Filter<LogDoc> = { ...this.narrowed(caller), ...(q.unit ? { scopePath: q.unit } : {}) };
    if (q.kind) filter.kind = q.kind;
    if (q.channel) filter.channel = q.channel as LogDoc['channel'];
    if (q.category) filter.category = q.category;
    if (q.deliveryId) filter.deliveryId = q.deliveryId;
    const { docs, nextCursor } = await newestFirst(this.store.log, Scope.of(caller), filter, 'at', q);
    return {
      items: docs.map(({ _id, scopePath: _s, ...rest }) => ({ id: _id, ...rest })),
      nextCursor,
    };
  }

  /** One delivery of the caller's scope: what it is, its history, and its pending attempt if any. */
  async delivery(caller: Identity, id: string) {
    const scope = Scope.of(caller);
    const doc = await this.store.deliveries.lookup(scope, id);
    const narrowed = this.narrowed(caller);
    if (!doc || ('recipientKey' in narrowed && ![unitKey(caller.orgUnitId), accountKey(caller.sub)].includes(doc.recipientKey))) {
      throw problem.notFound(DELIVERY_OWNERSHIP.notFound);
    }
    const history = await this.store.log.find(scope, { deliveryId: id }).sort({ at: 1 }).toArray();
    const pending = await this.store.queue.find({ deliveryId: id }).toArray();
    const final = [...history].reverse().find((h) => h.kind === 'sent' || h.kind === 'failed' || h.kind === 'delivered');
    const status = doc.readAt
      ? 'read'
      : final
        ? final.kind
        : pending.length > 0
          ? pending[0].attempt > 1
            ? 'retrying'
            : 'queued'
          : 'unknown';
    const { _id, ...rest } = doc;
    const target = rest.target && 'url' in rest.target ? { endpointId: rest.target.endpointId, url: rest.target.url } : rest.target;
    return {
      id: _id,
      ...rest,
      target,
      status,
      attempts: history.filter((h) => h.kind === 'sent' || h.kind === 'failed' || h.kind === 'retry').length,
      nextAttemptAt: pending[0]?.nextAttemptAt ?? null,
      history: history.map(({ _id: hid, scopePath: _s, ...h }) => ({ id: hid, ...h })),
    };
  }
}

import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Filter } from 'mongodb';
import type { Connection } from 'mongoose';
import { notFoundProblem, OrgUnitDirectory, Scope, type Identity, type Role } from '@pb/platform';
import { newestFirst } from '../pagination.js';
import { accountKey, unitKey } from '../recipients/profiles.service.js';
import { collections, type LogDoc, type LogKind } from '../store.js';

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

  private scope(caller: Identity): Filter<LogDoc> {
    if (caller.roles.some((r) => SUPERVISING.includes(r))) return { scopePath: caller.orgUnitId };
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
    const scope = this.scope(caller);
    const filter: Filter<LogDoc> = q.unit ? { $and: [scope, { scopePath: q.unit }] } : { ...scope };
    if (q.kind) filter.kind = q.kind;
    if (q.channel) filter.channel = q.channel as LogDoc['channel'];
    if (q.category) filter.category = q.category;
    if (q.deliveryId) filter.deliveryId = q.deliveryId;
    const { docs, nextCursor } = await newestFirst(this.store.log, filter, 'at', q);
    return {
      items: docs.map(({ _id, scopePath: _s, ...rest }) => ({ id: _id, ...rest })),
      nextCursor,
    };
  }

  /** One delivery of the caller's scope: what it is, its history, and its pending attempt if any. */
  async delivery(caller: Identity, id: string) {
    const doc = await this.store.deliveries.findOne({ _id: id });
    const scope = this.scope(caller);
    const visible =
      doc &&
      ('scopePath' in scope
        ? Scope.of(caller).reaches(doc.scopePath)
        : [unitKey(caller.orgUnitId), accountKey(caller.sub)].includes(doc.recipientKey));
    if (!doc || !visible) throw notFoundProblem({ zh: '找不到投递记录', en: 'Delivery not found' });
    const history = await this.store.log.find({ deliveryId: id }).sort({ at: 1 }).toArray();
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

import { Inject, Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Filter } from 'mongodb';
import type { Connection } from 'mongoose';
import { insertNew } from '@pb/persistence';
import { Clock, OrgUnitDirectory, problem, Scope, type Identity } from '@pb/platform';
import { NOTIFICATION_CATALOG, NOTIFICATIONS_OPTIONS, type NotificationsOptions } from '../options.js';
import { accountKey, unitKey } from '../recipients/profiles.service.js';
import type { NotificationCatalog } from '../rules/catalog.js';
import { collections, type DeliveryDoc } from '../store.js';
import { render, templateFormat, type Lang } from '../templates/render.js';
import { unitIdsOf } from '../units/unit-ids.js';
import { newestFirst } from '../pagination.js';

export interface InboxItem {
  id: string;
  noticeId: string;
  category: string;
  critical: boolean;
  title: string;
  body: string;
  unitId: string;
  data: Record<string, unknown>;
  createdAt: Date;
  readAt: Date | null;
  archivedAt: Date | null;
}

const notFound = () => problem.notFound({ zh: '找不到通知', en: 'Notice not found' });

/**
 * 站内信箱 The inbox of the caller: the notices to its unit addressed to one of its roles (the unit's
 * shared inbox: read and archived for everyone in it) plus those to its own account.
 */
@Injectable()
export class InboxService {
  private readonly store: ReturnType<typeof collections>;

  constructor(
    @InjectConnection() connection: Connection,
    @Inject(NOTIFICATIONS_OPTIONS) private readonly options: NotificationsOptions,
    @Inject(NOTIFICATION_CATALOG) private readonly catalog: NotificationCatalog,
    private readonly units: OrgUnitDirectory,
    private readonly clock: Clock,
  ) {
    this.store = collections(connection);
  }

  private scope(caller: Identity): Filter<DeliveryDoc> {
    return {
      channel: 'inbox',
      $or: [{ owner: accountKey(caller.sub) }, { owner: unitKey(caller.orgUnitId), audienceRoles: { $in: caller.roles } }],
    };
  }

  async list(caller: Identity, q: { cursor?: string; limit: number; unread?: boolean; archived?: boolean; category?: string }, lang: Lang) {
    const filter: Filter<DeliveryDoc> = {
      ...this.scope(caller),
      archivedAt: q.archived ? { $ne: null } : null,
    };
    if (q.unread) filter.readAt = null;
    if (q.category) filter.category = q.category;
    const { docs, nextCursor } = await newestFirst(this.store.deliveries, Scope.of(caller), filter, 'createdAt', q);
    return { items: await this.view(docs, lang), nextCursor };
  }

  async unreadCount(caller: Identity): Promise<{ unread: number; critical: number }> {
    const filter = { ...this.scope(caller), archivedAt: null, readAt: null };
    const [unread, critical] = await Promise.all([
      this.store.deliveries.countDocuments(Scope.of(caller), filter),
      this.store.deliveries.countDocuments(Scope.of(caller), { ...filter, critical: true }),
    ]);
    return { unread, critical };
  }

  async get(caller: Identity, id: string, lang: Lang): Promise<InboxItem> {
    return (await this.view([await this.mine(caller, id)], lang))[0];
  }

  /** Marks read (once; the first reader and time are kept) and logs it for the delivery log. */
  markRead(caller: Identity, id: string, lang: Lang): Promise<InboxItem> {
    return this.mark(caller, id, 'read', lang);
  }

  /** Archives (and so reads) a notice; archived notices leave the default list. */
  archive(caller: Identity, id: string, lang: Lang): Promise<InboxItem> {
    return this.mark(caller, id, 'archived', lang);
  }

  private async mark(caller: Identity, id: string, kind: 'read' | 'archived', lang: Lang): Promise<InboxItem> {
    const doc = await this.mine(caller, id);
    const field = kind === 'read' ? 'readAt' : 'archivedAt';
    if (!doc[field]) {
      const now = this.clock.now();
      await this.store.deliveries.updateOne(
        Scope.of(caller),
        { _id: doc._id },
        { $set: { [field]: now, ...(doc.readAt ? {} : { readAt: now, readBy: caller.sub }) } },
      );
      const { _id, recipientKey, category, unitId, scopePath } = doc;
      // The caller's own mark, on a delivery just found to be theirs: the log insert is the service's.
      await insertNew(this.store.log.unscoped(Scope.system('inbox: log a read or archive mark')), [
        {
          _id: `${_id}#${kind}`,
          deliveryId: _id,
          kind,
          at: now,
          channel: 'inbox',
          recipientKey,
          category,
          unitId,
          scopePath,
        },
      ]);
      doc[field] = now;
      doc.readAt ??= now;
    }
    return (await this.view([doc], lang))[0];
  }

  /** Marks every unread notice of the caller's inbox read; returns how many. */
  async markAllRead(caller: Identity): Promise<{ marked: number }> {
    const docs = await this.store.deliveries
      .find(Scope.of(caller), { ...this.scope(caller), readAt: null }, { projection: { _id: 1 } })
      .toArray();
    for (const d of docs) await this.markRead(caller, d._id, 'zh');
    return { marked: docs.length };
  }

  /** A notice of someone else's inbox answers 404, like one that does not exist. */
  private async mine(caller: Identity, id: string): Promise<DeliveryDoc> {
    const doc = await this.store.deliveries.lookup(Scope.of(caller), id);
    if (!doc || doc.channel !== 'inbox') throw notFound();
    const ok =
      doc.owner === accountKey(caller.sub) ||
      (doc.owner === unitKey(caller.orgUnitId) && doc.audienceRoles.some((r) => caller.roles.includes(r)));
    if (!ok) throw notFound();
    return doc;
  }

  private async view(docs: DeliveryDoc[], lang: Lang): Promise<InboxItem[]> {
    const names = await this.units.names(docs.flatMap((d) => unitIdsOf(d.unitId, d.params)));
    const f = templateFormat(lang, this.options.timeZone, (id) => names.get(id));
    return docs.map((d) => {
      const r = render(this.catalog.template(d.template), d.params, f);
      return {
        id: d._id,
        noticeId: d.noticeId,
        category: d.category,
        critical: d.critical,
        title: r.title,
        body: r.body,
        unitId: d.unitId,
        data: d.params,
        createdAt: d.createdAt,
        readAt: d.readAt,
        archivedAt: d.archivedAt,
      };
    });
  }
}

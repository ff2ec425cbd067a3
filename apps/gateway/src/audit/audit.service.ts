import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { Collection } from 'mongoose';
import type { AuditQuery, AuditWriteRecordedV1, EventData } from '@pb/contracts';
import { insertNew } from '@pb/persistence';
import { InjectScopedModel, OrgUnitDirectory, Scope, type Identity, type Page, type ScopedModel } from '@pb/platform';
import { AUDIT_ENTRY_MODEL, type AuditEntry } from './audit-entry.schema.js';

export type AuditEntryView = Omit<AuditEntry, '_id' | 'seq' | 'at'> & { id: string; at: string };

export interface AuthEvent {
  action: string;
  unitId: string | null;
  actor: Identity | null;
  resource?: { type: string; id: string };
  ip: string | null;
  correlationId?: string;
  detail?: Record<string, unknown>;
}

/**
 * Org-owned (docs/adr/0012): an entry belongs to the unit it is about, whose path the gateway's org
 * tree knows. Auth events with no unit (an unknown username) are reached only by system work.
 */
export const auditOwnership = OrgUnitDirectory.owning<AuditEntry>('unitId', { zh: '找不到审计记录', en: 'Audit entry not found' });

/** The log is written by the gateway itself (its auth events, other services' reported writes), for no caller. */
const RECORDING = Scope.system('audit log: record writes and auth events');

@Injectable()
export class AuditService {
  private readonly logger = new Logger('Audit');

  constructor(
    @InjectScopedModel(AUDIT_ENTRY_MODEL) private readonly entries: ScopedModel<AuditEntry>,
    private readonly tree: OrgUnitDirectory,
  ) {}

  /** Stores writes reported on audit.writes.v1 in one insert; the audit id makes a redelivery a no-op. */
  async recordWrites(writes: EventData<typeof AuditWriteRecordedV1>[]): Promise<void> {
    await insertNew(
      this.entries.unscoped(RECORDING).collection as unknown as Collection<AuditEntry>,
      writes.map((data) => ({
        _id: data.auditId,
        seq: `${data.at}|${data.auditId}`,
        category: 'write' as const,
        action: data.action,
        at: new Date(data.at),
        service: data.service,
        unitId: data.unitId,
        actor: data.actor,
        resource: { type: data.resourceType, id: data.resourceId },
        before: data.before ?? null,
        after: data.after ?? null,
        ip: null,
        correlationId: data.correlationId ?? null,
      })),
    );
  }

  /** An authentication event of the gateway itself (login, failure, key use): written at once. */
  async recordAuth(event: AuthEvent): Promise<void> {
    const id = randomUUID();
    const at = new Date();
    try {
      await this.entries.unscoped(RECORDING).create({
        _id: id,
        seq: `${at.toISOString()}|${id}`,
        category: 'auth',
        action: event.action,
        at,
        service: 'gateway',
        unitId: event.unitId,
        actor: event.actor ? { sub: event.actor.sub, orgUnitId: event.actor.orgUnitId, roles: [...event.actor.roles] } : null,
        resource: event.resource ?? null,
        before: null,
        after: event.detail ?? null,
        ip: event.ip,
        correlationId: event.correlationId ?? null,
      });
    } catch (err) {
      // A lost security log line must be visible to operators, but must not fail the login itself.
      this.logger.error(`audit of ${event.action} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** The entries of a subtree the caller supervises, newest first. */
  async query(caller: Identity, query: AuditQuery): Promise<Page<AuditEntryView>> {
    const page = await this.tree.subtreePage(Scope.of(caller), this.entries, query, {
      path: '/api/v1/audit',
      unitField: 'unitId',
      order: { field: 'seq', newestFirst: true },
      ...(query.category ? { filter: { category: query.category } } : {}),
    });
    return { ...page, items: page.items.map(view) };
  }
}

function view(e: AuditEntry): AuditEntryView {
  const { _id, seq: _seq, at, ...rest } = e;
  return { id: _id, at: at.toISOString(), ...rest };
}

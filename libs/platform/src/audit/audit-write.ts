import { randomUUID } from 'node:crypto';
import { AuditWriteRecordedV1 } from '@pb/contracts';
import { pendingEvent, type OutboxEvent } from '@pb/messaging';
import type { Identity } from '../auth/identity.js';

/** Fields that never go into an audit snapshot: the outbox itself and secrets. */
const HIDDEN = new Set(['outbox', 'passwordHash', 'keyHash', 'tokenHash']);

/** A stored document as plain JSON for the audit log: dates as ISO strings, no outbox, no secrets. */
export function auditSnapshot(doc: object | null | undefined): Record<string, unknown> | null {
  if (!doc) return null;
  const plain = JSON.parse(JSON.stringify(doc)) as Record<string, unknown>;
  for (const key of HIDDEN) delete plain[key];
  return plain;
}

export interface AuditWrite {
  service: string;
  actor: Identity;
  /** `<resource>.<verb>`, e.g. `org-unit.created`. */
  action: string;
  resourceType: string;
  resourceId: string;
  /** The org unit whose subtree the write belongs to: bureaus above it can read the entry. */
  unitId: string;
  before: object | null;
  after: object | null;
  correlationId?: string;
}

/**
 * The audit record of a write, as an outbox entry: put it in the same single-document write as the
 * change (beside the domain event), so a write without its audit record cannot exist. It goes to the
 * internal topic `audit.writes.v1`, which only the gateway consumes (docs/adr/0007).
 */
export function auditWriteEvent(write: AuditWrite): OutboxEvent {
  return pendingEvent(AuditWriteRecordedV1, {
    key: write.unitId,
    subject: `${write.resourceType}/${write.resourceId}`,
    ...(write.correlationId ? { correlationId: write.correlationId } : {}),
    data: {
      auditId: randomUUID(),
      service: write.service,
      action: write.action,
      resourceType: write.resourceType,
      resourceId: write.resourceId,
      unitId: write.unitId,
      actor: { sub: write.actor.sub, orgUnitId: write.actor.orgUnitId, roles: [...write.actor.roles] },
      at: new Date().toISOString(),
      ...(write.correlationId ? { correlationId: write.correlationId } : {}),
      before: auditSnapshot(write.before),
      after: auditSnapshot(write.after),
    },
  });
}

import { randomUUID } from 'node:crypto';
import { AuditWriteRecordedV1 } from '@pb/contracts';
import { pendingEvent, type OutboxEvent } from '@pb/messaging';
import type { Identity } from '../auth/identity.js';

/** Fields that never go into an audit snapshot: the outbox itself and secrets. */
const HIDDEN = new Set(['outbox', 'passwordHash', 'keyHash', 'tokenHash']);

/**
 * Personal fields masked wherever they sit in a snapshot (a member's `person.idNumber`, a teacher's
 * `birthYear`), ARCHITECTURE.md §7 and docs/adr/0025: an ID number keeps its last 4 characters
 * (`**************1234`, enough to tell two records apart when a bureau asks), a birth date or
 * year keeps nothing (`****-**-**`, `****`). The audit log answers "who changed what", not "who is this".
 */
const MASKED: Readonly<Partial<Record<string, (value: unknown) => unknown>>> = {
  idNumber: (v) => (typeof v === 'string' ? '*'.repeat(Math.max(0, v.length - 4)) + v.slice(-4) : '****'),
  birthDate: () => '****-**-**',
  birthYear: () => '****',
};

function mask(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(mask);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const masker = Object.hasOwn(MASKED, key) ? MASKED[key] : undefined;
    out[key] = masker && v !== null && v !== undefined ? masker(v) : mask(v);
  }
  return out;
}

/**
 * A stored document as plain JSON for the audit log: dates as ISO strings, no outbox, no secrets, and
 * personal fields (ID numbers, birth dates) masked at any depth.
 */
export function auditSnapshot(doc: object | null | undefined): Record<string, unknown> | null {
  if (!doc) return null;
  const plain = JSON.parse(JSON.stringify(doc)) as Record<string, unknown>;
  for (const key of HIDDEN) delete plain[key];
  return mask(plain) as Record<string, unknown>;
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

import type { OutboxEvent } from '@pb/messaging';
import { auditWriteEvent } from '@pb/platform';
import type { Scope } from './scope.js';

/**
 * A registry document as the audit log shows it: without its own change history or a move marker
 * (`auditWriteEvent` leaves out the outbox and secrets itself).
 */
function auditView(doc: object): object {
  const { history: _h, pendingMove: _p, ...rest } = doc as Record<string, unknown>;
  return rest;
}

/**
 * The audit record of a write to one registry document (`<type>.<verb>`, who, before and after), for
 * the outbox of that same write (docs/adr/0007). `unitId` is the unit whose bureaus read it: the
 * unit itself, a party organisation's or member's school, a rule set's bureau.
 */
export function registryAudit(
  resource: { type: string; id: string; unitId: string },
  verb: string,
  before: object | null,
  after: object,
  scope: Scope,
  correlationId?: string,
): OutboxEvent {
  return auditWriteEvent({
    service: 'org-registry',
    actor: scope.actor,
    action: `${resource.type}.${verb}`,
    resourceType: resource.type,
    resourceId: resource.id,
    unitId: resource.unitId,
    before: before && auditView(before),
    after: auditView(after),
    ...(correlationId ? { correlationId } : {}),
  });
}

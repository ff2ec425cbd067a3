import type { OutboxEvent } from '@pb/messaging';
import { auditWriteEvent, type Identity } from '@pb/platform';

/** The audit record of one evaluation write (who, what, before and after), for the outbox of the same write (docs/adr/0007). */
export function evaluationAudit(
  caller: Identity,
  action: string,
  resource: { type: string; id: string; unitId: string },
  before: object | null,
  after: object | null,
): OutboxEvent {
  return auditWriteEvent({
    service: 'evaluation',
    actor: caller,
    action,
    resourceType: resource.type,
    resourceId: resource.id,
    unitId: resource.unitId,
    before,
    after,
  });
}

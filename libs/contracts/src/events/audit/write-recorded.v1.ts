import { defineEvent } from '../../event-contract.js';
import { Topics } from '../../topics.js';

const snapshot = {
  type: ['object', 'null'],
  additionalProperties: true,
  description: 'The resource as stored (without secrets); null before a creation or after a deletion.',
} as const;

/**
 * 写操作审计 One write to a resource, with who made it and the resource before and after.
 * INTERNAL: it may carry personal data (member records), so it is never for analysts; only the gateway
 * consumes it, into the audit log a bureau queries for its own subtree (docs/adr/0007).
 */
export const AuditWriteRecordedV1 = defineEvent({
  type: 'cn.edu.partybuilding.audit.write.recorded.v1',
  topic: Topics.auditWrites,
  description: 'INTERNAL, not for analysts. A write (who, what, when, before and after) for the audit log. 写操作审计记录（内部主题）。',
  // Every service that writes publishes it; the org unit the write belongs to is the key.
  producer: 'any service',
  key: { field: 'unitId', description: 'Id of the org unit whose subtree the write belongs to. 写操作所属单位的标识。' },
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['auditId', 'service', 'action', 'resourceType', 'resourceId', 'unitId', 'actor', 'at', 'before', 'after'],
    properties: {
      auditId: { type: 'string', minLength: 1, description: 'Unique id of this audit record (idempotent consumption).' },
      service: { type: 'string', minLength: 1, description: 'The owning service that made the write.' },
      action: { type: 'string', pattern: '^[a-z-]+\\.[a-z-]+$', description: '<resource>.<verb>, e.g. org-unit.created.' },
      resourceType: { type: 'string', minLength: 1 },
      resourceId: { type: 'string', minLength: 1 },
      unitId: { type: 'string', minLength: 1, description: 'The org unit whose subtree the write belongs to (also the record key).' },
      actor: {
        type: 'object',
        additionalProperties: false,
        required: ['sub', 'orgUnitId', 'roles'],
        properties: {
          sub: { type: 'string' },
          orgUnitId: { type: 'string' },
          roles: { type: 'array', items: { type: 'string' } },
        },
      },
      at: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T', description: 'When the write happened (ISO 8601, UTC).' },
      correlationId: { type: 'string' },
      before: snapshot,
      after: snapshot,
    },
  },
});

import { defineDocument, field, type DocumentType } from '@pb/persistence';

export const AUDIT_ENTRY_MODEL = 'AuditEntry';

export const AuditEntrySchema = defineDocument({
  collection: 'audit',
  fields: {
    /** `<ISO time>|<id>`: the order of the log and the key of its cursor. */
    seq: field.string(),
    category: field.oneOf(['write', 'auth']),
    action: field.string(),
    at: field.date(),
    service: field.string(),
    unitId: field.string().orNull(),
    actor: field.mixed<{ sub: string; orgUnitId: string; roles: string[] }>().orNull(),
    resource: field.mixed<{ type: string; id: string }>().orNull(),
    before: field.mixed<Record<string, unknown>>().orNull(),
    after: field.mixed<Record<string, unknown>>().orNull(),
    ip: field.string().orNull(),
    correlationId: field.string().orNull(),
  },
});
/**
 * 审计日志 One audit entry: a write reported by its owning service (before and after), or an
 * authentication event of the gateway (login, failure, throttling, refresh, logout, API-key use).
 */
export type AuditEntry = DocumentType<typeof AuditEntrySchema>;
// Serves: GET /audit, a subtree's entries newest first ({unitId: {$in}}, sort seq desc, seq < cursor).
AuditEntrySchema.index({ unitId: 1, seq: -1 });

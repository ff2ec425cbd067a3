import { Schema } from 'mongoose';

/**
 * 审计日志 One audit entry: a write reported by its owning service (before and after), or an
 * authentication event of the gateway (login, failure, throttling, refresh, logout, API-key use).
 */
export interface AuditEntry {
  _id: string;
  /** `<ISO time>|<id>`: the order of the log and the key of its cursor. */
  seq: string;
  category: 'write' | 'auth';
  action: string;
  at: Date;
  service: string;
  unitId: string | null;
  actor: { sub: string; orgUnitId: string; roles: string[] } | null;
  resource: { type: string; id: string } | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  ip: string | null;
  correlationId: string | null;
}

export const AUDIT_ENTRY_MODEL = 'AuditEntry';

export const AuditEntrySchema = new Schema<AuditEntry>(
  {
    _id: { type: String, required: true },
    seq: { type: String, required: true },
    category: { type: String, required: true, enum: ['write', 'auth'] },
    action: { type: String, required: true },
    at: { type: Date, required: true },
    service: { type: String, required: true },
    unitId: { type: String, default: null },
    actor: { type: Schema.Types.Mixed, default: null },
    resource: { type: Schema.Types.Mixed, default: null },
    before: { type: Schema.Types.Mixed, default: null },
    after: { type: Schema.Types.Mixed, default: null },
    ip: { type: String, default: null },
    correlationId: { type: String, default: null },
  },
  { collection: 'audit', versionKey: false },
);
// Serves: GET /audit, a subtree's entries newest first ({unitId: {$in}}, sort seq desc, seq < cursor).
AuditEntrySchema.index({ unitId: 1, seq: -1 });

import { Schema } from 'mongoose';
import type { OrgOwnership } from '@pb/platform';
import { REPORT_NOT_FOUND, type PendingHistoryEntry } from './half-month-report.schema.js';

/**
 * One entry of a report's history (docs/adr/0016): a submitted revision, whole, or one bureau's
 * decision on a revision. Kept beside the report, not inside it, so a change to the report never
 * rewrites its history; read a page at a time (GET .../reports/{partyOrgId}/{periodId}/history).
 */
export interface ReportHistoryEntry extends PendingHistoryEntry {
  reportId: string;
  /** The report's unit path: the history is org-owned like its report (docs/adr/0012). */
  unitPath: string[];
}

export const REPORT_HISTORY_MODEL = 'ReportHistoryEntry';
/** Org-owned (docs/adr/0012): an entry belongs to its report's unit. */
export const REPORT_HISTORY_OWNERSHIP: OrgOwnership<ReportHistoryEntry> = { pathField: 'unitPath', notFound: REPORT_NOT_FOUND };

export const ReportHistorySchema: Schema = new Schema(
  {
    _id: { type: String, required: true },
    reportId: { type: String, required: true },
    unitPath: { type: [String], required: true },
    seq: { type: Number, required: true },
    kind: { type: String, required: true },
    revision: { type: Number, required: true },
    at: { type: Date, required: true },
    by: { type: String, required: true },
    content: { type: Schema.Types.Mixed },
    bureauId: { type: String },
    decision: { type: String },
    comment: { type: String },
  },
  { collection: 'report_history', versionKey: false, minimize: false },
);
// Serves: a report's history a page at a time, in order (reportId, seq > cursor), optionally of one kind.
ReportHistorySchema.index({ reportId: 1, seq: 1 });

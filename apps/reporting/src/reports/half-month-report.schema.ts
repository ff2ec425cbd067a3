import { Schema } from 'mongoose';
import type { HalfMonthReportContent } from '@pb/contracts';
import { withOutbox, type OutboxEvent } from '@pb/messaging';
import type { OrgOwnership } from '@pb/platform';

/** not-started: expected, nothing saved; draft: saved, not submitted; then the review states. */
export type ReportStatus = 'not-started' | 'draft' | 'submitted' | 'returned' | 'accepted';

/** One bureau's independent review of the current revision. */
export interface BureauReview {
  bureauId: string;
  status: 'pending' | 'accepted' | 'returned';
  revision: number;
  comment?: string;
  by?: string;
  at?: Date;
}

/** A revision as older reports kept them inside the report (moved to the history on first touch). */
export interface LegacyReportRevision {
  revision: number;
  content: HalfMonthReportContent;
  submittedAt: Date;
  submittedBy: string;
}

/**
 * One entry of a report's history (docs/adr/0016): a submitted revision, whole, or one bureau's decision
 * on a revision. Written inside the report with the change that made it, then moved to the history
 * collection (`ReportHistoryEntry`, report-history.schema.ts).
 */
export interface PendingHistoryEntry {
  /** `<reportId>:<seq>`: written once, so moving an entry out of the report twice changes nothing. */
  _id: string;
  /** 1, 2, ... in the order the report's writes made the entries. */
  seq: number;
  kind: 'revision' | 'review';
  /** The revision submitted, or the revision reviewed. */
  revision: number;
  at: Date;
  /** The account that submitted or decided. */
  by: string;
  /** A revision's content. */
  content?: HalfMonthReportContent;
  /** A review's bureau, decision and comment. */
  bureauId?: string;
  decision?: 'accepted' | 'returned';
  comment?: string;
}

/** The Idempotency-Key of a submission, written with the revision it made; `answerId` names its first answer. */
export interface SubmitKey {
  key: string;
  requestHash: string;
  revision: number;
  /** The first answer (IdempotentAnswers in @pb/platform); absent in keys written before answers were kept. */
  answerId?: string;
}

/** A lock exception a reviewing bureau granted (audited: who, when, until, why). */
export interface LockException {
  grantedBy: string;
  bureauId: string;
  grantedAt: Date;
  until: Date;
  reason: string;
}

/** 半月记实表 A party organisation's half-month record form for one period. */
export interface HalfMonthReport {
  /** `<partyOrgId>:<periodId>`: one report per party organisation and period, by construction. */
  _id: string;
  partyOrgId: string;
  unitId: string;
  unitPath: string[];
  periodId: string;
  opensAt: Date;
  dueAt: Date;
  status: ReportStatus;
  draft?: HalfMonthReportContent;
  /** Revisions submitted so far; the revisions themselves are in the report's history (docs/adr/0016). */
  revisionCount: number;
  /** History entries made so far (the last `seq`). */
  historyCount: number;
  /**
   * History entries this report's writes made and not yet moved to the history collection: written
   * with the change (so none is lost), moved out right after it (so the report stays small).
   */
  pendingHistory: PendingHistoryEntry[];
  /** Older reports only: their revisions, until the first touch moves them to the history. */
  revisions?: LegacyReportRevision[];
  reviewers: string[];
  reviews: BureauReview[];
  /** Bureaus whose review of the current revision is pending (FerretDB has no $elemMatch on subdocuments). */
  pendingReviewers: string[];
  firstSubmittedAt: Date | null;
  /** Set once: on-time / late at the first submission, missing at the deadline without one. */
  timeliness: 'on-time' | 'late' | 'missing' | null;
  lockExceptions: LockException[];
  /** Idempotency-Keys of the last submissions, written with the revision each produced; never in an answer. */
  submitKeys: SubmitKey[];
  version: number;
  /** When the report was last written (mongoose timestamps on create; the service's clock on each change). */
  updatedAt?: Date;
  outbox: OutboxEvent[];
}

export const HALF_MONTH_REPORT_MODEL = 'HalfMonthReport';
export const REPORT_NOT_FOUND = { zh: '找不到半月记实表', en: 'Half-month report not found' };
/** Org-owned (docs/adr/0012): a report belongs to its party organisation's unit, `unitPath` its materialised path. */
export const REPORT_OWNERSHIP: OrgOwnership<HalfMonthReport> = { pathField: 'unitPath', notFound: REPORT_NOT_FOUND };

/** Typed at the model (Model<HalfMonthReport>); the nested form content is free-form here, checked by its JSON Schema. */
export const HalfMonthReportSchema: Schema = withOutbox(
  new Schema(
    {
      _id: { type: String, required: true },
      partyOrgId: { type: String, required: true },
      unitId: { type: String, required: true },
      unitPath: { type: [String], required: true },
      periodId: { type: String, required: true },
      opensAt: { type: Date, required: true },
      dueAt: { type: Date, required: true },
      status: { type: String, required: true },
      draft: { type: Schema.Types.Mixed },
      revisionCount: { type: Number, default: 0 },
      historyCount: { type: Number, default: 0 },
      pendingHistory: { type: [Schema.Types.Mixed], default: [] },
      // Legacy: revisions kept inside older reports, moved to the history on first touch ($unset needs the path).
      revisions: { type: [Schema.Types.Mixed], default: undefined },
      reviewers: { type: [String], default: [] },
      reviews: { type: [Schema.Types.Mixed], default: [] },
      pendingReviewers: { type: [String], default: [] },
      firstSubmittedAt: { type: Date, default: null },
      timeliness: { type: String, default: null },
      lockExceptions: { type: [Schema.Types.Mixed], default: [] },
      submitKeys: { type: [Schema.Types.Mixed], default: [] },
      version: { type: Number, required: true },
    },
    { collection: 'half_month_reports', versionKey: false, timestamps: true, minimize: false },
  ),
);
// Serves: a bureau's view of a period (review queue, missing list): reports under a unit for a period.
HalfMonthReportSchema.index({ unitPath: 1, periodId: 1 });
// Serves: the deadline scheduler's "reports of this period still without a submission".
HalfMonthReportSchema.index({ periodId: 1, timeliness: 1 });
// Serves: a reviewing bureau's queue of pending reviews.
HalfMonthReportSchema.index({ pendingReviewers: 1, dueAt: 1 });

import type { HalfMonthReportContent } from '@pb/contracts';
import { defineAggregate } from '@pb/messaging';
import { field, type DocumentType } from '@pb/persistence';
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

export const HALF_MONTH_REPORT_MODEL = 'HalfMonthReport';
export const REPORT_NOT_FOUND = { zh: '找不到半月记实表', en: 'Half-month report not found' };
/** Org-owned (docs/adr/0012): a report belongs to its party organisation's unit, `unitPath` its materialised path. */
export const REPORT_OWNERSHIP: OrgOwnership<HalfMonthReport> = { pathField: 'unitPath', notFound: REPORT_NOT_FOUND };

/** 半月记实表 A party organisation's half-month record form for one period. */
export const HalfMonthReportSchema = defineAggregate({
  collection: 'half_month_reports',
  timestamps: true,
  minimize: false,
  fields: {
    /** `<partyOrgId>:<periodId>`: one report per party organisation and period, by construction. */
    _id: field.string(),
    partyOrgId: field.string(),
    unitId: field.string(),
    unitPath: field.strings(),
    periodId: field.string(),
    opensAt: field.date(),
    dueAt: field.date(),
    status: field.string<ReportStatus>(),
    /** The form content is free-form here, checked by its JSON Schema where it is written. */
    draft: field.mixed<HalfMonthReportContent>().optional(),
    /** Revisions submitted so far; the revisions themselves are in the report's history (docs/adr/0016). */
    revisionCount: field.number().default(0),
    /** History entries made so far (the last `seq`). */
    historyCount: field.number().default(0),
    /**
     * History entries this report's writes made and not yet moved to the history collection: written
     * with the change (so none is lost), moved out right after it (so the report stays small).
     */
    pendingHistory: field.mixedList<PendingHistoryEntry>().default([]),
    /** Older reports only: their revisions, until the first touch moves them to the history ($unset needs the path). */
    revisions: field.mixedList<LegacyReportRevision>().optional(),
    reviewers: field.strings().default([]),
    reviews: field.mixedList<BureauReview>().default([]),
    /** Bureaus whose review of the current revision is pending (FerretDB has no $elemMatch on subdocuments). */
    pendingReviewers: field.strings().default([]),
    firstSubmittedAt: field.date().orNull(),
    /** Set once: on-time / late at the first submission, missing at the deadline without one. */
    timeliness: field.string<'on-time' | 'late' | 'missing'>().orNull(),
    lockExceptions: field.mixedList<LockException>().default([]),
    /** Idempotency-Keys of the last submissions, written with the revision each produced; never in an answer. */
    submitKeys: field.mixedList<SubmitKey>().default([]),
    version: field.number(),
  },
});
export type HalfMonthReport = Omit<DocumentType<typeof HalfMonthReportSchema>, 'createdAt' | 'updatedAt'> & {
  /** When the report was last written (mongoose timestamps on create; the service's clock on each change). */
  updatedAt?: Date;
};
// Serves: a bureau's view of a period (review queue, missing list): reports under a unit for a period.
HalfMonthReportSchema.index({ unitPath: 1, periodId: 1 });
// Serves: the deadline scheduler's "reports of this period still without a submission".
HalfMonthReportSchema.index({ periodId: 1, timeliness: 1 });
// Serves: a reviewing bureau's queue of pending reviews.
HalfMonthReportSchema.index({ pendingReviewers: 1, dueAt: 1 });

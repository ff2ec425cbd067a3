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

/** Every submitted revision is kept, whole. */
export interface ReportRevision {
  revision: number;
  content: HalfMonthReportContent;
  submittedAt: Date;
  submittedBy: string;
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
    revisions: field.mixedList<ReportRevision>().default([]),
    reviewers: field.strings().default([]),
    reviews: field.mixedList<BureauReview>().default([]),
    /** Bureaus whose review of the current revision is pending (FerretDB has no $elemMatch on subdocuments). */
    pendingReviewers: field.strings().default([]),
    firstSubmittedAt: field.date().orNull(),
    /** Set once: on-time / late at the first submission, missing at the deadline without one. */
    timeliness: field.string<'on-time' | 'late' | 'missing'>().orNull(),
    lockExceptions: field.mixedList<LockException>().default([]),
    /** Idempotency-Keys of the last submissions, written with the revision each produced. */
    submitKeys: field.mixedList<{ key: string; requestHash: string; revision: number }>().default([]),
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

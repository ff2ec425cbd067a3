import type { Grade, SchemeKind } from '@pb/contracts';
import { defineAggregate } from '@pb/messaging';
import { field, type DocumentType } from '@pb/persistence';
import type { OrgOwnership } from '@pb/platform';
import type { DerivedExplanation } from '../derived/derived-facts.service.js';

export type AssessmentStatus = 'open' | 'self-submitted' | 'returned' | 'scored' | 'moderated' | 'locked';

/** One score as it was given: by whom, when, with what comment (and, for a self-assessment, evidence). */
export interface GivenScore {
  indicator: string;
  score: number;
  comment?: string;
  evidence?: { text?: string; files?: { name: string; ref: string }[] };
  by: string;
  at: Date;
}

/** A supervising bureau's score of one indicator. */
export interface BureauScore extends GivenScore {
  bureauId: string;
}

/** One step of the assessment, kept for good: a returned self-assessment keeps its scores here. */
export interface AssessmentHistoryEntry {
  action: 'self-saved' | 'self-submitted' | 'returned' | 'bureau-scored' | 'moderated' | 'locked';
  by: string;
  at: Date;
  bureauId?: string;
  comment?: string;
  scores?: GivenScore[];
}

/** The result fixed at the lock: derived scores with their explanation, group scores, total, grade. */
export interface LockedResult {
  by: string;
  at: Date;
  derived: DerivedExplanation[];
  total: number;
  grade: Grade;
}

export const ASSESSMENT_MODEL = 'Assessment';
export const ASSESSMENT_NOT_FOUND = { zh: '找不到考核', en: 'Assessment not found' };
/** Org-owned (docs/adr/0012): an assessment belongs to its party organisation's unit, `unitPath` its path. */
export const ASSESSMENT_OWNERSHIP: OrgOwnership<Assessment> = { pathField: 'unitPath', notFound: ASSESSMENT_NOT_FOUND };

/** 年度考核 A party organisation's assessment under one scheme kind for one year. */
export const AssessmentSchema = defineAggregate({
  collection: 'assessments',
  minimize: false,
  fields: {
    /** `<kind>:<year>:<partyOrgId>`: one per party organisation, kind and year, by construction. */
    _id: field.string(),
    kind: field.string<SchemeKind>(),
    year: field.number(),
    partyOrgId: field.string(),
    unitId: field.string(),
    unitPath: field.strings(),
    /** Bureaus that score it, from the affiliation when it was opened (both levels where it says both). */
    reviewers: field.strings(),
    status: field.string<AssessmentStatus>(),
    /** The scheme version its scores were made under, fixed at its first score. */
    schemeVersion: field.number().orNull(),
    self: field.mixedList<GivenScore>().default([]),
    bureauScores: field.mixedList<BureauScore>().default([]),
    moderated: field.mixedList<GivenScore>().default([]),
    history: field.mixedList<AssessmentHistoryEntry>().default([]),
    locked: field.mixed<LockedResult>().orNull(),
    version: field.number(),
  },
});
export type Assessment = DocumentType<typeof AssessmentSchema>;
// Serves: the score table of a unit's subtree for a kind and year.
AssessmentSchema.index({ unitPath: 1, kind: 1, year: 1 });

export const assessmentId = (kind: SchemeKind, year: number, partyOrgId: string) => `${kind}:${year}:${partyOrgId}`;

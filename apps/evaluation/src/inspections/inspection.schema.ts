import { defineAggregate } from '@pb/messaging';
import { field, type DocumentType } from '@pb/persistence';
import type { OrgOwnership } from '@pb/platform';

export type InspectionKind = 'party-dues' | 'member-development' | 'theory-study';

export interface Finding {
  item: string;
  finding: string;
  by: string;
  at: Date;
  rectificationId: string | null;
}

export const INSPECTION_MODEL = 'Inspection';
export const INSPECTION_NOT_FOUND = { zh: '找不到检查', en: 'Inspection not found' };
/** Org-owned (docs/adr/0012): an inspection belongs to the unit whose subtree it inspects. */
export const INSPECTION_OWNERSHIP: OrgOwnership<Inspection> = { pathField: 'unitPath', notFound: INSPECTION_NOT_FOUND };

/** 督促检查 An inspection of a subtree: its sample (seed recorded) and its findings. */
export const InspectionSchema = defineAggregate({
  collection: 'inspections',
  minimize: false,
  fields: {
    kind: field.string<InspectionKind>(),
    unitId: field.string(),
    unitPath: field.strings(),
    title: field.string(),
    sample: field.mixed<{ of: 'schools' | 'member-files'; size: number; seed: string; population: number; items: string[] }>(),
    findings: field.mixedList<Finding>().default([]),
    createdBy: field.string(),
    createdAt: field.date(),
    version: field.number(),
  },
});
export type Inspection = DocumentType<typeof InspectionSchema>;

export type RectificationStatus = 'open' | 'submitted' | 'returned' | 'accepted';

export const RECTIFICATION_MODEL = 'Rectification';
export const RECTIFICATION_NOT_FOUND = { zh: '找不到整改', en: 'Rectification not found' };
/** Org-owned: a rectification belongs to its responsible unit (the school reaches its own). */
export const RECTIFICATION_OWNERSHIP: OrgOwnership<Rectification> = { pathField: 'unitPath', notFound: RECTIFICATION_NOT_FOUND };

/** 整改 A rectification a finding asks of a responsible unit, by a deadline. */
export const RectificationSchema = defineAggregate({
  collection: 'rectifications',
  minimize: false,
  fields: {
    inspectionId: field.string(),
    kind: field.string<InspectionKind>(),
    item: field.string(),
    finding: field.string(),
    responsibleUnitId: field.string(),
    unitPath: field.strings(),
    /** The first instant after the deadline's last day, city time. */
    deadlineAt: field.date(),
    status: field.string<RectificationStatus>(),
    overdue: field.boolean(),
    overdueAt: field.date().orNull(),
    /** The supervising bureaus told when it went overdue (the responsible unit's bureaus). */
    escalatedTo: field.strings().default([]),
    evidence: field.mixedList<{ text: string; files?: { name: string; ref: string }[]; by: string; at: Date }>().default([]),
    decisions: field.mixedList<{ decision: 'accept' | 'return'; comment: string; by: string; at: Date }>().default([]),
    version: field.number(),
  },
});
export type Rectification = DocumentType<typeof RectificationSchema>;
// Serves: the overdue scan, "open or returned, deadline passed, not yet overdue".
RectificationSchema.index({ overdue: 1, deadlineAt: 1 });

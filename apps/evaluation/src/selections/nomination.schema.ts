import type { SelectionKind } from '@pb/contracts';
import { defineAggregate } from '@pb/messaging';
import { defineDocument, field, type DocumentType } from '@pb/persistence';
import type { OrgOwnership } from '@pb/platform';

export type NominationStatus = 'nominated' | 'approved' | 'rejected' | 'in-notice' | 'published';

/** 异议 An objection raised during the notice: who raised it stays with the reviewing bureaus. */
export interface Objection {
  id: string;
  text: string;
  at: Date;
  /** The objecting account: shown to the reviewing bureaus only, never to the nominee's school. */
  by: string;
  outcome: 'pending' | 'upheld' | 'dismissed';
  handling?: { comment: string; by: string; at: Date };
}

export const NOMINATION_MODEL = 'Nomination';
export const NOMINATION_NOT_FOUND = { zh: '找不到推荐', en: 'Nomination not found' };
/** Org-owned (docs/adr/0012): a nomination belongs to the nominated unit, `unitPath` its path. */
export const NOMINATION_OWNERSHIP: OrgOwnership<Nomination> = { pathField: 'unitPath', notFound: NOMINATION_NOT_FOUND };

/** 推荐 One nomination of a selection (优秀党员, 五好基层组织, 先锋教研组). */
export const NominationSchema = defineAggregate({
  collection: 'nominations',
  minimize: false,
  fields: {
    kind: field.string<SelectionKind>(),
    year: field.number(),
    unitId: field.string(),
    unitPath: field.strings(),
    /** The quota group: the unit's county, or the city for a city-direct school. */
    groupId: field.string(),
    /** Bureaus that review it and handle its objections: the group's bureau and the city. */
    reviewers: field.strings(),
    /** A member's name for 优秀党员: personal data, never in an event or an analyst's answer. */
    nominee: field.string(),
    reason: field.string(),
    status: field.string<NominationStatus>(),
    nominatedBy: field.string(),
    review: field.mixed<{ decision: 'approve' | 'reject'; comment?: string; by: string; at: Date }>().orNull(),
    notice: field.mixed<{ startsAt: Date; endsAt: Date }>().orNull(),
    objections: field.mixedList<Objection>().default([]),
    publishedAt: field.date().orNull(),
    version: field.number(),
  },
});
export type Nomination = DocumentType<typeof NominationSchema>;
// Serves: the nominations under a unit (a bureau's list; not exposed yet).
NominationSchema.index({ unitPath: 1, kind: 1, year: 1 });

export const SELECTION_SLOT_MODEL = 'SelectionSlot';

/**
 * 名额 The quota of one group (a county, or the city's city-direct schools) in one selection and year,
 * and how much of it is used: a nomination takes a slot by a guarded increment, so two nominations at
 * once cannot both take the last one.
 */
export const SelectionSlotSchema = defineDocument({
  collection: 'selection_slots',
  fields: {
    kind: field.string<SelectionKind>(),
    year: field.number(),
    groupId: field.string(),
    quota: field.number(),
    used: field.number(),
  },
});
export type SelectionSlot = DocumentType<typeof SelectionSlotSchema>;

export const SELECTION_MODEL = 'Selection';

/** A selection of a year as the city set it: its notice length and revision (the quotas are the slots). */
export const SelectionSchema = defineAggregate({
  collection: 'selections',
  fields: {
    kind: field.string<SelectionKind>(),
    year: field.number(),
    noticeWorkingDays: field.number(),
    groups: field.strings(),
    version: field.number(),
  },
});
export type Selection = DocumentType<typeof SelectionSchema>;

export const selectionId = (kind: SelectionKind, year: number) => `${kind}:${year}`;
export const slotId = (kind: SelectionKind, year: number, groupId: string) => `${kind}:${year}:${groupId}`;

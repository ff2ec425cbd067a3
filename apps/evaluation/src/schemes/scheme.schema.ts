import type { GradeThresholds, IndicatorGroup, SchemeKind } from '@pb/contracts';
import { defineAggregate } from '@pb/messaging';
import { field, type DocumentType } from '@pb/persistence';

export const SCHEME_MODEL = 'AssessmentScheme';
export const SCHEME_NOT_FOUND = { zh: '找不到考核方案', en: 'Assessment scheme not found' };

/**
 * 考核方案 A scheme of one kind for one year (city-wide, not org-owned: every caller reads it, only the
 * city edits it). The one in force has `_id` `<kind>:<year>`; a version superseded once scores existed
 * under it is kept, frozen, as `<kind>:<year>:v<n>` so those scores keep the scheme they were made under.
 */
export const SchemeSchema = defineAggregate({
  collection: 'schemes',
  minimize: false,
  fields: {
    kind: field.string<SchemeKind>(),
    year: field.number(),
    /** 方案版本 1, 2, ...: moves on when an edit finds scores under the version in force. */
    schemeVersion: field.number(),
    name: field.mixed<{ zh: string; en: string }>(),
    groups: field.mixedList<IndicatorGroup>(),
    grades: field.mixed<GradeThresholds>(),
    /** Scores were recorded under this version: an edit now makes the next version. */
    scoringStarted: field.boolean(),
    /** The document's revision, for If-Match (the ETag). */
    version: field.number(),
    updatedAt: field.date().orNull(),
    updatedBy: field.string().orNull(),
  },
});
export type Scheme = DocumentType<typeof SchemeSchema>;

export const schemeId = (kind: SchemeKind, year: number) => `${kind}:${year}`;
export const frozenSchemeId = (kind: SchemeKind, year: number, schemeVersion: number) => `${kind}:${year}:v${schemeVersion}`;

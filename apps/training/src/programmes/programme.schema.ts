import type { CreateProgrammeDto } from '@pb/contracts';
import { defineDocument, field, type DocumentType } from '@pb/persistence';
import type { OrgOwnership } from '@pb/platform';

export const PROGRAMME_MODEL = 'Programme';
export const PROGRAMME_NOT_FOUND = { zh: '找不到培训项目', en: 'Programme not found' };

/** 培训课次 One session of a programme: one per date. */
export interface TrainingSession {
  id: string;
  date: string;
  hours: number;
}

/**
 * 培训项目 A training programme of an organising unit, open to the organiser's subtree. Owned by path
 * (`organiserPath`): the organiser and the bureaus above it manage it; the units below reach it through
 * `ProgrammesService.open` (docs/adr/0019).
 */
export const ProgrammeSchema = defineDocument({
  collection: 'programmes',
  fields: {
    organiserId: field.string(),
    organiserPath: field.strings(),
    title: field.string(),
    category: field.string<CreateProgrammeDto['category']>(),
    requiredHours: field.number(),
    year: field.number(),
    term: field.string<CreateProgrammeDto['term']>(),
    assessment: field.string<CreateProgrammeDto['assessment']>(),
    capacity: field.number(),
    /** Teachers enrolled: raised only while below `capacity` (a conditional `$inc`), so the capacity holds under concurrent enrolments. */
    enrolled: field.number(),
    sessions: field.mixed<TrainingSession[]>().default(() => []),
    version: field.number(),
    createdAt: field.date(),
    createdBy: field.string(),
  },
});
export type Programme = DocumentType<typeof ProgrammeSchema>;
// Serves: the programmes organised in a subtree ({organiserPath: unit}), by year, keyset on _id.
ProgrammeSchema.index({ organiserPath: 1, year: 1, _id: 1 });
// Serves: the programmes organised by the units on a caller's path ({organiserId: {$in: path}}).
ProgrammeSchema.index({ organiserId: 1, year: 1, _id: 1 });

export const PROGRAMME_OWNERSHIP: OrgOwnership<Programme> = { pathField: 'organiserPath', notFound: PROGRAMME_NOT_FOUND };

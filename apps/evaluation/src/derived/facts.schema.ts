import { defineDocument, field, type DocumentType } from '@pb/persistence';

export const REPORT_FACT_MODEL = 'ReportFact';
export type ReportOutcome = 'pending' | 'on-time' | 'late' | 'missing';

/**
 * What evaluation keeps of one half-month report, from `reporting.reports.v1` alone: expected, then
 * on time, late or missing. `_id` is the report's id, `<partyOrgId>:<periodId>`, so a party
 * organisation's year is one `_id` list (the store answers those from its index). Every write sets
 * state the event carries, so applying an event again, or the whole topic from offset 0 into an empty
 * collection, gives the same documents.
 */
export const ReportFactSchema = defineDocument({
  collection: 'report_facts',
  fields: {
    partyOrgId: field.string(),
    unitId: field.string(),
    unitPath: field.strings(),
    periodId: field.string(),
    year: field.number(),
    /** The deadline, from the expected or overdue event; absent when only the submission was seen. */
    dueAt: field.date().orNull(),
    outcome: field.string<ReportOutcome>(),
    submittedAt: field.date().orNull(),
  },
});
export type ReportFact = DocumentType<typeof ReportFactSchema>;

export const MEMBER_FACT_MODEL = 'MemberFact';

/**
 * What evaluation keeps of one member record, from `orgs.members.v1` (ids, status and counts only: the
 * topic carries no personal data): its branch and how many milestone rules it breaks, as org-registry
 * judged it against the supervising bureau's rules. Version-guarded (`applyOnce`).
 */
export const MemberFactSchema = defineDocument({
  collection: 'member_facts',
  fields: {
    partyOrgId: field.string(),
    unitId: field.string(),
    status: field.string(),
    milestoneCount: field.number(),
    flaggedRuleCount: field.number(),
    version: field.number(),
    lastEventId: field.string(),
  },
});
export type MemberFact = DocumentType<typeof MemberFactSchema>;
// No secondary index: the tallies read member records by `_id` (fact_keys); a spot check's population
// (by unit) is rare and reads the collection.

export const TRAINING_FACT_MODEL = 'TrainingFact';

/**
 * What evaluation keeps of one enrolment, from `training.records.v1` (pseudonymous teacher ids, hours
 * and counts only): its school, the programme's year, whether the hours meet the requirement, and
 * whether the teacher was certified (认定). Version-guarded (`applyOnce`): the enrolment's version.
 */
export const TrainingFactSchema = defineDocument({
  collection: 'training_facts',
  fields: {
    unitId: field.string(),
    year: field.number(),
    hours: field.number(),
    requiredHours: field.number(),
    completed: field.boolean(),
    /** Set by the certification event only (a later event of the enrolment leaves it). */
    certified: field.boolean().optional(),
    version: field.number(),
    lastEventId: field.string(),
  },
});
export type TrainingFact = DocumentType<typeof TrainingFactSchema>;
// No secondary index: the tallies read a school's enrolments of a year by `_id` (fact_keys).

export const DERIVED_TALLY_MODEL = 'DerivedTally';
export type TallyKind = 'reports' | 'members' | 'training';

/**
 * The counts each derived rate is computed from, one document per key, so a score table of a county
 * reads one document per party organisation by `_id` instead of every fact of its year:
 * - `reports:<partyOrgId>:<year>`: expected, on time, late, missing, pending, and the first and last
 *   period with a known outcome (the source range);
 * - `members:<partyOrgId>`: member records, and those breaking no milestone rule;
 * - `training:<unitId>:<year>`: enrolments, completed, certified.
 * Recomputed from the facts of the key after each run of events that touched it (never incremented),
 * so applying a run again, or replaying the topics into an empty database, gives the same counts.
 * `ids` lists the member records or enrolments ever applied under the key (the facts a recount reads
 * by `_id`; a transferred member stays listed and is not counted).
 */
export const DerivedTallySchema = defineDocument({
  collection: 'derived_tallies',
  fields: {
    kind: field.oneOf(['reports', 'members', 'training'] as const),
    counts: field.mixed<Record<string, number>>(),
    sourceRange: field.mixed<{ from: string | null; to: string | null }>().optional(),
  },
  minimize: false,
});
export type DerivedTally = DocumentType<typeof DerivedTallySchema>;

export const FACT_KEYS_MODEL = 'FactKeys';

/** The ids of the facts under a members or training tally (`_id` the tally's), grown with `$addToSet`. */
export const FactKeysSchema = defineDocument({
  collection: 'fact_keys',
  fields: { ids: field.strings() },
});
export type FactKeys = DocumentType<typeof FactKeysSchema>;

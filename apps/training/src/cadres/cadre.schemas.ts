import { defineAggregate } from '@pb/messaging';
import { field, type DocumentType } from '@pb/persistence';
import { OrgUnitDirectory } from '@pb/platform';

export const RESERVE_CADRE_MODEL = 'ReserveCadre';
export const LEADERSHIP_TEAM_MODEL = 'LeadershipTeam';
export const ASSIGNMENT_MODEL = 'CadreAssignment';

export const RESERVE_CADRE_NOT_FOUND = { zh: '找不到该后备干部', en: 'Reserve cadre not found' };
export const LEADERSHIP_TEAM_NOT_FOUND = { zh: '找不到领导班子', en: 'Leadership team not found' };
export const ASSIGNMENT_NOT_FOUND = { zh: '找不到挂职或支教记录', en: 'Assignment not found' };

/** 后备干部 A teacher listed as a reserve cadre of their unit; `_id` is `<unitId>:<teacherId>` (listed once). */
export const ReserveCadreSchema = defineAggregate({
  collection: 'reserve_cadres',
  fields: {
    unitId: field.string(),
    teacherId: field.string(),
    since: field.string(),
    note: field.string().orNull(),
    addedAt: field.date(),
    /** Removed from the list (kept for the record); listing the teacher again clears it. */
    removedAt: field.date().orNull(),
  },
});
export type ReserveCadre = DocumentType<typeof ReserveCadreSchema>;
// Serves: the reserve cadres of a unit, a page at a time (GET /org-units/{id}/reserve-cadres).
ReserveCadreSchema.index({ unitId: 1, _id: 1 });

/** 领导班子 A unit's leadership team; `_id` is the unit id. Members are teachers of the unit, by id. */
export const LeadershipTeamSchema = defineAggregate({
  collection: 'leadership_teams',
  fields: {
    unitId: field.string(),
    members: field.mixedList<{ teacherId: string; post: string }>(),
    version: field.number(),
  },
});
export type LeadershipTeam = DocumentType<typeof LeadershipTeamSchema>;
// Serves: the teams of a subtree, by unit (GET /cadres/age-tiers).
LeadershipTeamSchema.index({ unitId: 1 });

export type AssignmentType = 'secondment' | 'teaching-support';
export type AssignmentKind = 'high-quality-school' | 'bureau' | 'other-province' | 'teaching-support';
export type AssignmentStatus = 'planned' | 'active' | 'ended';
export type Grade = 'excellent' | 'good' | 'pass' | 'fail';

/**
 * 挂职 / 支教 One assignment of a teacher away from their unit: a secondment (to a high-quality school,
 * up to the bureau, to another province) or a teaching-support term at a weak or rural school. It
 * belongs to the home unit (the teacher's), and runs on its dates in the city's time zone.
 */
export const AssignmentSchema = defineAggregate({
  collection: 'cadre_assignments',
  fields: {
    assignmentType: field.oneOf(['secondment', 'teaching-support']),
    kind: field.oneOf(['high-quality-school', 'bureau', 'other-province', 'teaching-support']),
    teacherId: field.string(),
    homeUnitId: field.string(),
    homeUnitPath: field.strings(),
    hostUnitId: field.string().orNull(),
    hostUnitPath: field.strings().orNull(),
    hostName: field.string().orNull(),
    hostProvince: field.string().orNull(),
    term: field.string().orNull(),
    startsOn: field.string(),
    endsOn: field.string(),
    status: field.oneOf(['planned', 'active', 'ended']),
    endedOn: field.string().orNull(),
    evaluation: field.mixed<{ text: string; grade: Grade }>().orNull(),
    /** When the ending-soon reminder went out (once per assignment). */
    remindedAt: field.date().orNull(),
    version: field.number(),
  },
});
export type Assignment = DocumentType<typeof AssignmentSchema>;
// Serves: the overlap check, a teacher's assignments (POST /secondments, /teaching-supports).
AssignmentSchema.index({ teacherId: 1, startsOn: 1 });
// Serves: the runner's passes: planned ones whose start came, active ones whose end came or nears.
AssignmentSchema.index({ status: 1, startsOn: 1 });
AssignmentSchema.index({ status: 1, endsOn: 1 });
// Serves: the assignments of a subtree's units, a page at a time (GET /cadres/assignments).
AssignmentSchema.index({ homeUnitId: 1, _id: 1 });

/** Each collection belongs to the unit it names (docs/adr/0012), its path from the org-unit read model. */
export const reserveCadreOwnership = OrgUnitDirectory.owning<ReserveCadre>('unitId', RESERVE_CADRE_NOT_FOUND);
export const leadershipTeamOwnership = OrgUnitDirectory.owning<LeadershipTeam>('unitId', LEADERSHIP_TEAM_NOT_FOUND);
export const assignmentOwnership = OrgUnitDirectory.owning<Assignment>('homeUnitId', ASSIGNMENT_NOT_FOUND);

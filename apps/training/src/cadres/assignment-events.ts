import {
  AssignmentEndingSoonV1,
  AssignmentEvaluatedV1,
  SecondmentEndedV1,
  SecondmentStartedV1,
  TeachingSupportEndedV1,
  TeachingSupportStartedV1,
  type AssignmentViewSchema,
} from '@pb/contracts';
import { pendingEvent, type OutboxEvent } from '@pb/messaging';
import { auditWriteEvent, type Scope } from '@pb/platform';
import type { FromSchema } from 'json-schema-to-ts';
import type { Assignment } from './cadre.schemas.js';

export type AssignmentView = FromSchema<typeof AssignmentViewSchema>;

/** What the API answers: the assignment without its outbox, paths and reminder mark. */
export function assignmentView(a: Assignment): AssignmentView {
  return {
    id: a._id,
    assignmentType: a.assignmentType,
    kind: a.kind,
    teacherId: a.teacherId,
    homeUnitId: a.homeUnitId,
    hostUnitId: a.hostUnitId,
    hostName: a.hostName,
    hostProvince: a.hostProvince,
    term: a.term,
    startsOn: a.startsOn,
    endsOn: a.endsOn,
    status: a.status,
    endedOn: a.endedOn,
    evaluation: a.evaluation ?? null,
    version: a.version,
  };
}

/** The state every event of `training.assignments.v1` carries: ids, units, dates, the grade; never a name or the evaluation text. */
function state(a: Assignment) {
  return {
    assignmentId: a._id,
    assignmentType: a.assignmentType,
    kind: a.kind,
    teacherId: a.teacherId,
    homeUnitId: a.homeUnitId,
    homeUnitPath: a.homeUnitPath,
    hostUnitId: a.hostUnitId,
    hostUnitPath: a.hostUnitPath ?? null,
    hostProvince: a.hostProvince,
    startsOn: a.startsOn,
    endsOn: a.endsOn,
    status: a.status,
    endedOn: a.endedOn,
    grade: a.evaluation?.grade ?? null,
    version: a.version,
  };
}

const CONTRACTS = {
  started: { secondment: SecondmentStartedV1, 'teaching-support': TeachingSupportStartedV1 },
  ended: { secondment: SecondmentEndedV1, 'teaching-support': TeachingSupportEndedV1 },
} as const;

const common = (a: Assignment, correlationId?: string) => ({
  key: a.homeUnitId,
  subject: `${a.assignmentType === 'secondment' ? 'secondments' : 'teaching-supports'}/${a._id}`,
  ...(correlationId ? { correlationId } : {}),
});

/** 开始 / 结束 / 考核: the event of a change of `a` (its state after the change). */
export function assignmentEvent(what: 'started' | 'ended' | 'evaluated', a: Assignment, correlationId?: string): OutboxEvent {
  const contract = what === 'evaluated' ? AssignmentEvaluatedV1 : CONTRACTS[what][a.assignmentType];
  return pendingEvent(contract, { ...common(a, correlationId), data: state(a) });
}

/** 即将结束 The reminder to the host and home units, `daysLeft` before the end date. */
export function endingSoonEvent(a: Assignment, daysLeft: number): OutboxEvent {
  return pendingEvent(AssignmentEndingSoonV1, { ...common(a), data: { ...state(a), daysLeft } });
}

/** The audit record of a write by a caller to an assignment, in the same document write (docs/adr/0007). */
export function assignmentAudit(verb: string, before: Assignment | null, after: Assignment, scope: Scope, correlationId?: string) {
  return cadreAudit(after.assignmentType, after._id, after.homeUnitId, verb, before, after, scope, correlationId);
}

/** The audit record of a cadre-development write (`<type>.<verb>`, who, before and after); the unit's bureaus read it. */
export function cadreAudit(
  type: string,
  id: string,
  unitId: string,
  verb: string,
  before: object | null,
  after: object | null,
  scope: Scope,
  correlationId?: string,
): OutboxEvent {
  return auditWriteEvent({
    service: 'training',
    actor: scope.actor,
    action: `${type}.${verb}`,
    resourceType: type,
    resourceId: id,
    unitId,
    before,
    after,
    ...(correlationId ? { correlationId } : {}),
  });
}

import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { EventContract } from './event-contract.js';
import { AuditWriteRecordedV1 } from './events/audit/write-recorded.v1.js';
import { AssessmentLockedV1, AssessmentScoredV1, SchemeChangedV1 } from './events/evaluation/assessment.v1.js';
import { RectificationOpenedV1, RectificationOverdueV1, RectificationSubmittedV1 } from './events/evaluation/rectification.v1.js';
import { NominationNoticeStartedV1, NominationObjectionRaisedV1, NominationPublishedV1 } from './events/evaluation/nomination.v1.js';
import {
  PeriodClosedV1,
  ReportAcceptedV1,
  ReportExpectedV1,
  ReportOverdueV1,
  ReportReturnedV1,
  ReportRevisedV1,
  ReportSubmittedV1,
} from './events/reporting/half-month-report.v1.js';
import {
  AssignmentEndingSoonV1,
  AssignmentEvaluatedV1,
  SecondmentEndedV1,
  SecondmentStartedV1,
  TeachingSupportEndedV1,
  TeachingSupportStartedV1,
} from './events/training/assignment.v1.js';
import { ContactPointCreatedV1, ContactPointEndedV1, ContactPointVisitLoggedV1 } from './events/orgs/contact-point.v1.js';
import { MemberMilestoneRecordedV1, MemberRegisteredV1, MemberTransferredV1 } from './events/orgs/member.v1.js';
import {
  TrainingAssessedV1,
  TrainingCertifiedV1,
  TrainingEnrolledV1,
  TrainingSessionAttendedV1,
} from './events/training/training-record.v1.js';
import { MilestoneRulesChangedV1 } from './events/orgs/milestone-rules.v1.js';
import { OrgUnitClosedV1, OrgUnitCreatedV1, OrgUnitMovedV1, OrgUnitRenamedV1, OrgUnitStateV1 } from './events/orgs/org-unit.v1.js';
import {
  PartyOrgAffiliationChangedV1,
  PartyOrgClosedV1,
  PartyOrgCreatedV1,
  PartyOrgStateV1,
  PartyOrgUpdatedV1,
} from './events/orgs/party-org.v1.js';

/** Every event type the platform publishes. The AsyncAPI document and consumers' validation come from here. */
export const EventContracts = [
  OrgUnitCreatedV1,
  OrgUnitRenamedV1,
  OrgUnitMovedV1,
  OrgUnitClosedV1,
  OrgUnitStateV1,
  PartyOrgCreatedV1,
  PartyOrgUpdatedV1,
  PartyOrgAffiliationChangedV1,
  PartyOrgClosedV1,
  PartyOrgStateV1,
  MemberRegisteredV1,
  MemberMilestoneRecordedV1,
  MemberTransferredV1,
  MilestoneRulesChangedV1,
  ContactPointCreatedV1,
  ContactPointVisitLoggedV1,
  ContactPointEndedV1,
  ReportExpectedV1,
  ReportSubmittedV1,
  ReportRevisedV1,
  ReportReturnedV1,
  ReportAcceptedV1,
  ReportOverdueV1,
  PeriodClosedV1,
  TrainingEnrolledV1,
  TrainingSessionAttendedV1,
  TrainingAssessedV1,
  TrainingCertifiedV1,
  AuditWriteRecordedV1,
  SecondmentStartedV1,
  SecondmentEndedV1,
  TeachingSupportStartedV1,
  TeachingSupportEndedV1,
  AssignmentEndingSoonV1,
  AssignmentEvaluatedV1,
  AssessmentScoredV1,
  AssessmentLockedV1,
  SchemeChangedV1,
  RectificationOpenedV1,
  RectificationSubmittedV1,
  RectificationOverdueV1,
  NominationNoticeStartedV1,
  NominationObjectionRaisedV1,
  NominationPublishedV1,
] as const satisfies readonly EventContract[];

const byType = new Map<string, EventContract>(EventContracts.map((c) => [c.type, c]));

export function contractOf(type: string): EventContract | undefined {
  return byType.get(type);
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }));
const validators = new Map<string, ValidateFunction>();

export interface SchemaCheck {
  ok: boolean;
  errors: string[];
}

/** Validates event data against the JSON Schema of its type and version. Unknown types fail. */
export function validateEventData(type: string, data: unknown): SchemaCheck {
  const contract = byType.get(type);
  if (!contract) return { ok: false, errors: [`unknown event type ${type}`] };
  let validate = validators.get(type);
  if (!validate) {
    validate = ajv.compile(contract.schema as object);
    validators.set(type, validate);
  }
  if (validate(data)) return { ok: true, errors: [] };
  return {
    ok: false,
    errors: (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`),
  };
}

import { eventFamily } from '../../event-contract.js';
import { Topics } from '../../topics.js';
import { eventId, eventState, eventVersion, withState } from '../../api/fragments.js';

/**
 * Member events are analyst-facing: ids, statuses and counts only. The schema is closed
 * (additionalProperties: false), so no name, id number, birth date or milestone date can ride along.
 */
const memberState = eventState(
  ['memberId', 'partyOrgId', 'unitId', 'status', 'milestoneCount', 'imported', 'flaggedRuleCount', 'version'],
  {
    memberId: eventId,
    partyOrgId: { ...eventId, description: 'The branch 党支部 the member belongs to.' },
    unitId: { ...eventId, description: "The branch's org unit (school); the record key." },
    status: {
      type: 'string',
      enum: ['applicant', 'activist', 'development-target', 'probationary', 'full'],
      description: 'applicant 入党申请人 | activist 入党积极分子 | development-target 发展对象 | probationary 预备党员 | full 正式党员',
    },
    milestoneCount: { type: 'integer', minimum: 0, description: 'How many development milestones are recorded.' },
    imported: { type: 'boolean', description: 'The record came from an import of earlier history.' },
    flaggedRuleCount: { type: 'integer', minimum: 0, description: 'How many milestone rules the record breaks (flagged for inspectors).' },
    version: eventVersion,
  },
  false,
);

/** Every member event: its topic, producer and key (the branch's unit). */
const memberEvent = eventFamily({
  topic: Topics.members,
  producer: 'org-registry',
  key: { field: 'unitId', description: 'Id of the unit of the party organisation of the member. 党员所属单位的标识。' },
});

/** 党员已登记 A member (or applicant) was registered in a branch. */
export const MemberRegisteredV1 = memberEvent(
  'cn.edu.partybuilding.orgs.member.registered.v1',
  'A member record was registered in a branch (no personal data). 党员（含入党申请人）已登记。',
  memberState,
);

/** 党员发展程序节点已记录 A development milestone was recorded (which one and when stay private). */
export const MemberMilestoneRecordedV1 = memberEvent(
  'cn.edu.partybuilding.orgs.member.milestone-recorded.v1',
  'A development milestone was recorded; status and count only, no dates. 党员发展程序节点已记录。',
  memberState,
);

/** 党员组织关系已转接 A member moved to another branch; the history stays with the record. */
export const MemberTransferredV1 = memberEvent(
  'cn.edu.partybuilding.orgs.member.transferred.v1',
  'A member was transferred to another branch (组织关系转接); keyed by the receiving unit. 党员组织关系已转接。',
  withState(memberState, { fromPartyOrgId: { type: 'string' }, fromUnitId: { type: 'string' } }, ['fromPartyOrgId', 'fromUnitId']),
);

import { defineEvent, eventFamily } from '../../event-contract.js';
import { Topics } from '../../topics.js';
import { eventId, eventState, eventVersion, openClosed, withState } from '../../api/fragments.js';

const routing = { type: 'string', enum: ['single', 'both-levels'] } as const;

const partyOrgState = eventState(
  [
    'partyOrgId',
    'unitId',
    'kind',
    'name',
    'parentPartyOrgId',
    'supervisorId',
    'routing',
    'reviewerIds',
    'principalAccountId',
    'deputyAccountId',
    'status',
    'version',
  ],
  {
    partyOrgId: eventId,
    unitId: {
      ...eventId,
      description: 'The org unit (school) the organisation belongs to; the record key on the history topic.',
    },
    kind: {
      type: 'string',
      enum: ['committee', 'general-branch', 'branch'],
      description: 'committee 党委 | general-branch 党总支 | branch 党支部',
    },
    name: eventId,
    parentPartyOrgId: { type: ['string', 'null'], description: 'Organisation it sits under (a branch under its committee), if any.' },
    supervisorId: { type: 'string', description: 'Affiliation 党组织隶属关系: the bureau that supervises it.' },
    routing: {
      ...routing,
      description: 'single: one reviewing bureau (the supervisor); both-levels: county and city each review independently. 报送方式',
    },
    reviewerIds: {
      type: 'array',
      items: { type: 'string' },
      description: 'Bureaus that receive and review its reports, from the routing policy; county first, city last.',
    },
    principalAccountId: {
      type: ['string', 'null'],
      description: 'Account of the principal responsible person 主要负责人 (names are never published).',
    },
    deputyAccountId: { type: ['string', 'null'], description: 'Account of the deputy in charge 分管负责人.' },
    status: openClosed,
    version: eventVersion,
  },
);

/** Every party-organisation event on the history topic: its topic, producer and key (the unit). */
const partyOrgEvent = eventFamily({
  topic: Topics.partyOrgs,
  producer: 'org-registry',
  key: { field: 'unitId', description: 'Id of the unit the party organisation belongs to. 党组织所属单位的标识。' },
});

/** 党组织已建立 A party organisation was set up at a unit. */
export const PartyOrgCreatedV1 = partyOrgEvent(
  'cn.edu.partybuilding.orgs.party-org.created.v1',
  'A party organisation (committee, general branch, branch) was set up at an org unit. 党组织已建立。',
  partyOrgState,
);

/** 党组织已更新 Name, parent organisation or responsible persons changed. */
export const PartyOrgUpdatedV1 = partyOrgEvent(
  'cn.edu.partybuilding.orgs.party-org.updated.v1',
  'Name, parent organisation or responsible persons of a party organisation changed. 党组织信息已更新。',
  withState(partyOrgState, { changed: { type: 'array', items: { type: 'string' }, description: 'Fields that changed.' } }, ['changed']),
);

/** 党组织隶属关系已变更 Supervising bureau, routing policy or reviewers changed (set by a bureau, or because its unit moved). */
export const PartyOrgAffiliationChangedV1 = partyOrgEvent(
  'cn.edu.partybuilding.orgs.party-org.affiliation-changed.v1',
  'The supervising bureau, routing policy or reviewing bureaus of a party organisation changed, set by a bureau or because its unit moved. ' +
    '党组织隶属关系或报送方式已变更。',
  withState(
    partyOrgState,
    {
      previousSupervisorId: { type: 'string' },
      previousRouting: routing,
      previousReviewerIds: { type: 'array', items: { type: 'string' } },
      reason: {
        type: 'string',
        enum: ['set', 'unit-moved'],
        description: 'set: by a bureau; unit-moved: its unit moved to another bureau.',
      },
      moveId: { type: 'string' },
    },
    ['previousSupervisorId', 'previousRouting', 'previousReviewerIds', 'reason'],
  ),
);

/** 党组织已撤销 A party organisation was closed. */
export const PartyOrgClosedV1 = partyOrgEvent(
  'cn.edu.partybuilding.orgs.party-org.closed.v1',
  'A party organisation was closed (it had no members left). 党组织已撤销。',
  partyOrgState,
);

/** 党组织状态 Latest full state of a party organisation, compacted, keyed by the party organisation id. */
export const PartyOrgStateV1 = defineEvent({
  type: 'cn.edu.partybuilding.orgs.party-org.state.v1',
  topic: Topics.partyOrgsState,
  description:
    'Latest full state of one party organisation on a compacted topic, keyed by the party organisation id (a unit may have several). ' +
    '党组织最新状态（压缩主题，以党组织标识为键）。',
  producer: 'org-registry',
  key: { field: 'partyOrgId', description: 'Id of the party organisation (compaction key). 党组织标识。' },
  schema: partyOrgState,
});

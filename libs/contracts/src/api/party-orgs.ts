import type { FromSchema } from 'json-schema-to-ts';
import { IsoDateSchema, SlugIdSchema } from './common.js';
import { anyInteger, anyString, body, openClosed, patchBody, stringList, stringOrNull, text, view } from './fragments.js';

const responsiblePerson = body(['name'], {
  name: text(50, 'Name 姓名 (never published on event topics)'),
  title: { type: 'string', maxLength: 50, description: 'Post 职务, e.g. 党委书记' },
  accountId: { type: 'string', maxLength: 100, description: 'Platform account, if the person has one.' },
});
const partyOrgKind = { type: 'string', enum: ['committee', 'general-branch', 'branch'] } as const;
const name = { type: 'string', minLength: 1, maxLength: 100 } as const;

const routingPolicy = { type: 'string', enum: ['single', 'both-levels'] } as const;

/** A responsible person in an answer: analysts get no name (personal data, docs/adr/0017). */
const personView = {
  ...responsiblePerson,
  required: [],
  properties: { ...responsiblePerson.properties, name: { type: 'string', description: 'Name 姓名; left out for analysts 分析人员不可见' } },
} as const;

const routing = {
  ...routingPolicy,
  description:
    'single: the supervising bureau reviews; both-levels: county and city bureaus each review independently. 报送方式：单一 / 市县两级',
} as const;

/** Body of POST /api/v1/party-orgs. */
export const CreatePartyOrgSchema = body(['unitId', 'kind', 'name', 'principal', 'deputy'], {
  id: SlugIdSchema,
  unitId: { type: 'string', minLength: 1, description: 'The org unit (school) it belongs to. 所在单位' },
  kind: { ...partyOrgKind, description: 'committee 党委 | general-branch 党总支 | branch 党支部' },
  name,
  parentPartyOrgId: { type: 'string', description: 'The organisation it sits under (its committee), if any. 上级党组织' },
  supervisorId: {
    type: 'string',
    description:
      'Affiliation 隶属关系: a bureau above the unit; default the nearest one (its county, or the city for city-direct schools).',
  },
  routing: { ...routing, default: 'single' },
  principal: { ...responsiblePerson, description: 'Principal responsible person 主要负责人' },
  deputy: { ...responsiblePerson, description: 'Deputy in charge 分管负责人' },
  foundedOn: IsoDateSchema,
});
export type CreatePartyOrgDto = FromSchema<typeof CreatePartyOrgSchema>;

/** Body of PATCH /api/v1/party-orgs/{id}. */
export const UpdatePartyOrgSchema = patchBody({ name, principal: responsiblePerson, deputy: responsiblePerson });
export type UpdatePartyOrgDto = FromSchema<typeof UpdatePartyOrgSchema>;

/** Body of PUT /api/v1/party-orgs/{id}/affiliation. */
export const SetAffiliationSchema = body(['supervisorId', 'routing'], {
  supervisorId: { type: 'string', minLength: 1, description: 'Supervising bureau 主管教育局' },
  routing,
});
export type SetAffiliationDto = FromSchema<typeof SetAffiliationSchema>;

/** Body of POST /api/v1/party-orgs/{id}/close. */
export const ClosePartyOrgSchema = body(['closedOn'], { closedOn: IsoDateSchema });
export type ClosePartyOrgDto = FromSchema<typeof ClosePartyOrgSchema>;

export const PartyOrgViewSchema = view(
  ['id', 'unitId', 'kind', 'name', 'supervisorId', 'routing', 'reviewerIds', 'principal', 'deputy', 'status', 'version'],
  {
    id: anyString,
    unitId: anyString,
    kind: partyOrgKind,
    name: anyString,
    parentPartyOrgId: stringOrNull,
    supervisorId: { type: 'string', description: '主管教育局' },
    routing: routingPolicy,
    reviewerIds: { ...stringList, description: 'Bureaus that review its reports. 审核单位' },
    principal: personView,
    deputy: personView,
    status: openClosed,
    foundedOn: stringOrNull,
    closedOn: stringOrNull,
    version: anyInteger,
  },
);

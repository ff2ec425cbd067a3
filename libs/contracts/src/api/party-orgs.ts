import type { FromSchema } from 'json-schema-to-ts';
import { IsoDateSchema, SlugIdSchema } from './common.js';

const responsiblePerson = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 50, description: 'Name 姓名 (never published on event topics)' },
    title: { type: 'string', maxLength: 50, description: 'Post 职务, e.g. 党委书记' },
    accountId: { type: 'string', maxLength: 100, description: 'Platform account, if the person has one.' },
  },
} as const;

/** A responsible person in an answer: analysts get no name (personal data, docs/adr/0017). */
const personView = {
  ...responsiblePerson,
  required: [],
  properties: { ...responsiblePerson.properties, name: { type: 'string', description: 'Name 姓名; left out for analysts 分析人员不可见' } },
} as const;

const routing = {
  type: 'string',
  enum: ['single', 'both-levels'],
  description:
    'single: the supervising bureau reviews; both-levels: county and city bureaus each review independently. 报送方式：单一 / 市县两级',
} as const;

/** Body of POST /api/v1/party-orgs. */
export const CreatePartyOrgSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['unitId', 'kind', 'name', 'principal', 'deputy'],
  properties: {
    id: SlugIdSchema,
    unitId: { type: 'string', minLength: 1, description: 'The org unit (school) it belongs to. 所在单位' },
    kind: {
      type: 'string',
      enum: ['committee', 'general-branch', 'branch'],
      description: 'committee 党委 | general-branch 党总支 | branch 党支部',
    },
    name: { type: 'string', minLength: 1, maxLength: 100 },
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
  },
} as const;
export type CreatePartyOrgDto = FromSchema<typeof CreatePartyOrgSchema>;

/** Body of PATCH /api/v1/party-orgs/{id}. */
export const UpdatePartyOrgSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 100 },
    principal: responsiblePerson,
    deputy: responsiblePerson,
  },
} as const;
export type UpdatePartyOrgDto = FromSchema<typeof UpdatePartyOrgSchema>;

/** Body of PUT /api/v1/party-orgs/{id}/affiliation. */
export const SetAffiliationSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['supervisorId', 'routing'],
  properties: { supervisorId: { type: 'string', minLength: 1, description: 'Supervising bureau 主管教育局' }, routing },
} as const;
export type SetAffiliationDto = FromSchema<typeof SetAffiliationSchema>;

/** Body of POST /api/v1/party-orgs/{id}/close. */
export const ClosePartyOrgSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['closedOn'],
  properties: { closedOn: IsoDateSchema },
} as const;
export type ClosePartyOrgDto = FromSchema<typeof ClosePartyOrgSchema>;

export const PartyOrgViewSchema = {
  type: 'object',
  required: ['id', 'unitId', 'kind', 'name', 'supervisorId', 'routing', 'reviewerIds', 'principal', 'deputy', 'status', 'version'],
  properties: {
    id: { type: 'string' },
    unitId: { type: 'string' },
    kind: { type: 'string', enum: ['committee', 'general-branch', 'branch'] },
    name: { type: 'string' },
    parentPartyOrgId: { type: ['string', 'null'] },
    supervisorId: { type: 'string', description: '主管教育局' },
    routing: { type: 'string', enum: ['single', 'both-levels'] },
    reviewerIds: { type: 'array', items: { type: 'string' }, description: 'Bureaus that review its reports. 审核单位' },
    principal: personView,
    deputy: personView,
    status: { type: 'string', enum: ['open', 'closed'] },
    foundedOn: { type: ['string', 'null'] },
    closedOn: { type: ['string', 'null'] },
    version: { type: 'integer' },
  },
} as const;

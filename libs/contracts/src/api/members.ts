import type { FromSchema } from 'json-schema-to-ts';
import { BirthDateSchema, IsoDateSchema, SlugIdSchema } from './common.js';
import { MilestoneKinds } from './milestone-rules.js';

const milestone = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'date'],
  properties: { kind: { type: 'string', enum: MilestoneKinds, description: '发展程序节点' }, date: IsoDateSchema },
} as const;

/** Personal data 个人信息: readable only by the branch and its supervising bureaus, never on event topics. */
const person = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'gender', 'birthDate'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 50, description: '姓名' },
    gender: { type: 'string', enum: ['female', 'male'], description: '性别' },
    birthDate: BirthDateSchema,
    idNumber: { type: 'string', pattern: '^\\d{17}[\\dX]$', description: '居民身份证号码' },
  },
} as const;

/** Body of POST /api/v1/party-orgs/{id}/members. */
export const RegisterMemberSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['person', 'milestones'],
  properties: {
    id: SlugIdSchema,
    person,
    milestones: { type: 'array', minItems: 1, maxItems: 20, items: milestone, description: 'Dated milestones so far. 已有的发展程序节点' },
    imported: {
      type: 'boolean',
      default: false,
      description:
        'Imported earlier history 导入历史记录: a rule it breaks does not refuse it, the record is flagged for inspectors instead.',
    },
  },
} as const;
export type RegisterMemberDto = FromSchema<typeof RegisterMemberSchema>;

/** Body of POST /api/v1/members/{id}/milestones. */
export const RecordMilestoneSchema = milestone;
export type RecordMilestoneDto = FromSchema<typeof RecordMilestoneSchema>;

/** Body of POST /api/v1/members/{id}/transfer. */
export const TransferMemberSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['toPartyOrgId', 'date'],
  properties: {
    toPartyOrgId: { type: 'string', minLength: 1, description: 'Receiving branch 转入党支部' },
    date: IsoDateSchema,
    note: { type: 'string', maxLength: 200 },
  },
} as const;
export type TransferMemberDto = FromSchema<typeof TransferMemberSchema>;

export const MemberViewSchema = {
  type: 'object',
  required: ['id', 'partyOrgId', 'unitId', 'status', 'person', 'milestones', 'flags', 'imported', 'version'],
  properties: {
    id: { type: 'string' },
    partyOrgId: { type: 'string' },
    unitId: { type: 'string' },
    status: { type: 'string', enum: ['applicant', 'activist', 'development-target', 'probationary', 'full'] },
    person,
    milestones: { type: 'array', items: milestone },
    imported: { type: 'boolean' },
    flags: {
      type: 'array',
      description: 'Rules the record breaks (imported history), for inspectors. 违反规则（供检查）',
      items: { type: 'object', properties: { rule: { type: 'string' }, message: { type: 'string' }, milestone: { type: 'string' } } },
    },
    transfers: { type: 'array', items: { type: 'object' }, description: '组织关系转接记录' },
    version: { type: 'integer' },
  },
} as const;

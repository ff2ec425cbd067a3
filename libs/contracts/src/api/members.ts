import type { FromSchema } from 'json-schema-to-ts';
import { BirthDateSchema, IsoDateSchema, SlugIdSchema } from './common.js';
import { anyInteger, anyString, bilingual, body, text, view } from './fragments.js';
import { MemberStatuses, MilestoneKinds } from './milestone-rules.js';

const milestone = body(['kind', 'date'], {
  kind: { type: 'string', enum: MilestoneKinds, description: '发展程序节点' },
  date: IsoDateSchema,
});

/** Personal data 个人信息: readable only by the branch and its supervising bureaus, never on event topics. */
const person = body(['name', 'gender', 'birthDate'], {
  name: text(50, '姓名'),
  gender: { type: 'string', enum: ['female', 'male'], description: '性别' },
  birthDate: BirthDateSchema,
  idNumber: { type: 'string', pattern: '^\\d{17}[\\dX]$', description: '居民身份证号码' },
});

/** Body of POST /api/v1/party-orgs/{id}/members. */
export const RegisterMemberSchema = body(['person', 'milestones'], {
  id: SlugIdSchema,
  person,
  milestones: { type: 'array', minItems: 1, maxItems: 20, items: milestone, description: 'Dated milestones so far. 已有的发展程序节点' },
  imported: {
    type: 'boolean',
    default: false,
    description:
      'Imported earlier history 导入历史记录: a rule it breaks does not refuse it, the record is flagged for inspectors instead.',
  },
});
export type RegisterMemberDto = FromSchema<typeof RegisterMemberSchema>;

/** Body of POST /api/v1/members/{id}/milestones. */
export const RecordMilestoneSchema = milestone;
export type RecordMilestoneDto = FromSchema<typeof RecordMilestoneSchema>;

/** Body of POST /api/v1/members/{id}/transfer. */
export const TransferMemberSchema = body(['toPartyOrgId', 'date'], {
  toPartyOrgId: { type: 'string', minLength: 1, description: 'Receiving branch 转入党支部' },
  date: IsoDateSchema,
  note: { type: 'string', maxLength: 200 },
});
export type TransferMemberDto = FromSchema<typeof TransferMemberSchema>;

export const MemberViewSchema = view(['id', 'partyOrgId', 'unitId', 'status', 'person', 'milestones', 'flags', 'imported', 'version'], {
  id: anyString,
  partyOrgId: anyString,
  unitId: anyString,
  status: { type: 'string', enum: MemberStatuses },
  person,
  milestones: { type: 'array', items: milestone },
  imported: { type: 'boolean' },
  flags: {
    type: 'array',
    description: 'Rules the record breaks (imported history), for inspectors. 违反规则（供检查）',
    items: view(['rule', 'milestone', 'message'], {
      rule: { type: 'string', description: 'Id of the rule broken. 规则标识' },
      milestone: { type: 'string', description: 'The milestone that breaks it (the later one of a pair). 违反规则的节点' },
      related: { type: 'string', description: 'The other milestone of the pair, if any. 相关节点' },
      message: { ...bilingual, description: 'What is wrong, in Chinese and English. 说明（中英文）' },
    }),
  },
  transfers: { type: 'array', items: { type: 'object' }, description: '组织关系转接记录' },
  version: anyInteger,
});

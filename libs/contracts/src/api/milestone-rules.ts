import type { FromSchema } from 'json-schema-to-ts';
import { body } from './fragments.js';

/**
 * Development milestones 党员发展程序, in the order the procedure prescribes. The status a member
 * reaches with a milestone is in MILESTONE_STATUS.
 */
export const MilestoneKinds = [
  'application', // 递交入党申请书
  'first-talk', // 党组织派人谈话
  'activist', // 确定为入党积极分子
  'development-target', // 确定为发展对象
  'political-check', // 政治审查
  'branch-conference', // 支部大会讨论接收（预备期自此起算）
  'probationary-approval', // 上级党委审批为预备党员
  'oath', // 入党宣誓
  'full-member-conference', // 支部大会讨论转正
  'full-member-approval', // 上级党委审批转为正式党员
] as const;
export type MilestoneKind = (typeof MilestoneKinds)[number];

export const MemberStatuses = ['applicant', 'activist', 'development-target', 'probationary', 'full'] as const;
export type MemberStatus = (typeof MemberStatuses)[number];

/** The status a member has once a milestone is reached (the others do not change it). */
export const MILESTONE_STATUS: Partial<Record<MilestoneKind, MemberStatus>> = {
  application: 'applicant',
  activist: 'activist',
  'development-target': 'development-target',
  'probationary-approval': 'probationary',
  'full-member-approval': 'full',
};

const milestoneKind = { type: 'string', enum: MilestoneKinds } as const;
const span = {
  type: 'object',
  additionalProperties: false,
  properties: { years: { type: 'integer', minimum: 0 }, months: { type: 'integer', minimum: 0 }, days: { type: 'integer', minimum: 0 } },
} as const;

/** A bureau's milestone rules: the order, and minimum/maximum intervals between two milestones. */
export const MilestoneRuleSetSchema = body(['order', 'intervals'], {
  order: {
    type: 'array',
    items: milestoneKind,
    minItems: 1,
    uniqueItems: true,
    description: 'Milestones in the order they must happen; each needs the one before it, on the same day or later. 程序顺序',
  },
  intervals: {
    type: 'array',
    items: body(['id', 'from', 'to'], {
      id: { type: 'string', pattern: '^[a-z0-9-]{2,64}$', description: 'Rule id, named in refusals and flags. 规则标识' },
      from: milestoneKind,
      to: milestoneKind,
      min: { ...span, description: 'At least this long from `from` to `to` (calendar arithmetic). 最短间隔' },
      max: { ...span, description: 'At most this long from `from` to `to`. 最长间隔' },
      description: { type: 'string', maxLength: 200 },
    }),
  },
  minAgeAtApplication: {
    type: ['integer', 'null'],
    minimum: 0,
    description: 'Minimum age on the application date (18). 申请入党最低年龄',
  },
});
export type MilestoneRuleSet = FromSchema<typeof MilestoneRuleSetSchema>;

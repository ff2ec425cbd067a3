import type { FromSchema } from 'json-schema-to-ts';

/**
 * Development milestones 黨員發展程序, in the order the procedure prescribes. The status a member
 * reaches with a milestone is in MILESTONE_STATUS.
 */
export const MilestoneKinds = [
  'application', // 遞交入黨申請書
  'first-talk', // 黨組織派人談話
  'activist', // 確定為入黨積極分子
  'development-target', // 確定為發展對象
  'political-check', // 政治審查
  'branch-conference', // 支部大會討論接收（預備期自此起算）
  'probationary-approval', // 上級黨委審批為預備黨員
  'oath', // 入黨宣誓
  'full-member-conference', // 支部大會討論轉正
  'full-member-approval', // 上級黨委審批轉為正式黨員
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
export const MilestoneRuleSetSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['order', 'intervals'],
  properties: {
    order: {
      type: 'array',
      items: milestoneKind,
      minItems: 1,
      uniqueItems: true,
      description: 'Milestones in the order they must happen; each needs the one before it, on the same day or later. 程序順序',
    },
    intervals: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'from', 'to'],
        properties: {
          id: { type: 'string', pattern: '^[a-z0-9-]{2,64}$', description: 'Rule id, named in refusals and flags. 規則標識' },
          from: milestoneKind,
          to: milestoneKind,
          min: { ...span, description: 'At least this long from `from` to `to` (calendar arithmetic). 最短間隔' },
          max: { ...span, description: 'At most this long from `from` to `to`. 最長間隔' },
          description: { type: 'string', maxLength: 200 },
        },
      },
    },
    minAgeAtApplication: { type: ['integer', 'null'], minimum: 0, description: 'Minimum age on the application date (18). 申請入黨最低年齡' },
  },
} as const;
export type MilestoneRuleSet = FromSchema<typeof MilestoneRuleSetSchema>;

import type { FromSchema } from 'json-schema-to-ts';
import { unitIdSchema } from './common.js';
import { anyInteger, anyString, body, dateTime, dateTimeOrNull, stringList, text, view } from './fragments.js';

/**
 * 评比 Selections (docs/adr/0022): nominations within quotas per county and per city-direct group,
 * review by the bureau, public notice (公示) in working days of the city, objections, publication.
 */
export const SELECTION_KINDS = ['excellent-member', 'five-good-organisation', 'pioneer-group'] as const;
export type SelectionKind = (typeof SELECTION_KINDS)[number];
export const SelectionKindSchema = {
  type: 'string',
  enum: SELECTION_KINDS,
  description: 'excellent-member 优秀党员 | five-good-organisation 五好基层组织 | pioneer-group 先锋教研组',
} as const;

/** Body of PUT /evaluation/selections/{kind}/{year}/quotas (city administrators). */
export const SelectionQuotasSchema = body(['quotas', 'noticeWorkingDays'], {
  quotas: {
    type: 'array',
    minItems: 1,
    maxItems: 500,
    description: 'Per county bureau, and the city itself for its city-direct schools 各县区及市直名额',
    items: body(['groupId', 'quota'], {
      groupId: { ...unitIdSchema, description: 'A county bureau, or the city bureau (its city-direct schools) 县区或市局（市直）' },
      quota: { type: 'integer', minimum: 0, maximum: 10000, description: 'Nominations allowed 名额' },
    }),
  },
  noticeWorkingDays: {
    type: 'integer',
    minimum: 1,
    maximum: 30,
    description: 'Length of the public notice in working days (Mon-Fri), city time 公示期（工作日）',
  },
});
export type SelectionQuotasDto = FromSchema<typeof SelectionQuotasSchema>;

export const SelectionQuotasViewSchema = view(['kind', 'year', 'quotas', 'noticeWorkingDays', 'version'], {
  kind: SelectionKindSchema,
  year: anyInteger,
  quotas: {
    type: 'array',
    items: view(['groupId', 'quota', 'used'], { groupId: anyString, quota: anyInteger, used: anyInteger }),
  },
  noticeWorkingDays: anyInteger,
  version: anyInteger,
});

/** Body of POST /evaluation/selections/{kind}/{year}/nominations. */
export const NominationSchema = body(['unitId', 'nominee', 'reason'], {
  unitId: { ...unitIdSchema, description: 'The nominated school or unit 被推荐单位' },
  nominee: text(100, 'Who or what is nominated: a member, a party organisation, a teaching-research group 推荐对象'),
  reason: text(5000, 'Deeds 主要事迹'),
});
export type NominationDto = FromSchema<typeof NominationSchema>;

export const NominationReviewSchema = body(['decision'], {
  decision: { type: 'string', enum: ['approve', 'reject'], description: 'approve 审核通过 | reject 不通过' },
  comment: text(2000, 'Review comment 审核意见'),
});
export type NominationReviewDto = FromSchema<typeof NominationReviewSchema>;

export const ObjectionSchema = body(['text'], { text: text(5000, 'The objection 异议内容') });
export type ObjectionDto = FromSchema<typeof ObjectionSchema>;

export const ObjectionDecisionSchema = body(['outcome', 'comment'], {
  outcome: { type: 'string', enum: ['upheld', 'dismissed'], description: 'upheld 异议成立 | dismissed 异议不成立' },
  comment: text(2000, 'How it was handled 处理情况'),
});
export type ObjectionDecisionDto = FromSchema<typeof ObjectionDecisionSchema>;

export const NominationStatusSchema = {
  type: 'string',
  enum: ['nominated', 'approved', 'rejected', 'in-notice', 'published'],
  description: 'nominated 已推荐 | approved 审核通过 | rejected 未通过 | in-notice 公示中 | published 已公布',
} as const;

/** A nomination as the API answers it. Objections never name their author to the nominee's school. */
export const NominationViewSchema = view(['id', 'kind', 'year', 'unitId', 'groupId', 'nominee', 'status', 'objections', 'version'], {
  id: anyString,
  kind: SelectionKindSchema,
  year: anyInteger,
  unitId: anyString,
  groupId: { type: 'string', description: 'The quota group: the county, or the city for city-direct schools 名额所属' },
  nominee: anyString,
  reason: anyString,
  status: NominationStatusSchema,
  nominatedBy: anyString,
  review: {
    ...view(['decision', 'by', 'at'], { decision: anyString, comment: anyString, by: anyString, at: dateTime }),
    type: ['object', 'null'],
    description: 'Null until reviewed 未审核时为 null',
  },
  notice: {
    ...view(['startsAt', 'endsAt'], {
      startsAt: dateTime,
      endsAt: { type: 'string', format: 'date-time', description: 'End of the last working day of the notice, city time 公示截止' },
    }),
    type: ['object', 'null'],
    description: 'Null until the notice starts 公示前为 null',
  },
  objections: {
    type: 'array',
    items: view(['id', 'text', 'at', 'outcome'], {
      id: anyString,
      text: anyString,
      at: dateTime,
      by: { type: 'string', description: 'Only for the reviewing bureau 仅审核教育局可见' },
      outcome: { type: 'string', enum: ['pending', 'upheld', 'dismissed'] },
      handling: view(['comment', 'by', 'at'], { comment: anyString, by: anyString, at: dateTime }),
    }),
  },
  publishedAt: dateTimeOrNull,
  reviewers: stringList,
  version: anyInteger,
});

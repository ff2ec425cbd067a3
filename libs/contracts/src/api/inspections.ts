import type { FromSchema } from 'json-schema-to-ts';
import { unitIdSchema } from './common.js';
import { anyInteger, anyString, body, dateTime, dateTimeOrNull, stringList, text, view } from './fragments.js';

/** 督促检查 Inspections (docs/adr/0022): a reproducible sample, findings per item, rectifications. */
export const INSPECTION_KINDS = ['party-dues', 'member-development', 'theory-study'] as const;
export const InspectionKindSchema = {
  type: 'string',
  enum: INSPECTION_KINDS,
  description: 'party-dues 党费收缴检查 | member-development 党员发展程序抽查 | theory-study 理论学习情况检查',
} as const;

/** Body of POST /evaluation/inspections. */
export const CreateInspectionSchema = body(['kind', 'unitId', 'title', 'sample'], {
  kind: InspectionKindSchema,
  unitId: { ...unitIdSchema, description: 'The unit whose subtree is inspected 被检查范围' },
  title: text(200, 'Title 检查名称'),
  sample: body(['of', 'size'], {
    of: { type: 'string', enum: ['schools', 'member-files'], description: 'schools 学校 | member-files 党员档案' },
    size: { type: 'integer', minimum: 1, maximum: 500, description: 'How many to draw (all when fewer) 抽取数量' },
    seed: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$', description: 'Seed of the draw (made when absent; recorded) 随机种子' },
  }),
});
export type CreateInspectionDto = FromSchema<typeof CreateInspectionSchema>;

/** Body of POST /evaluation/inspections/{id}/findings: a finding on one sampled item, with a rectification where needed. */
export const FindingSchema = body(['item', 'finding'], {
  item: { type: 'string', minLength: 1, maxLength: 200, description: 'A sampled item (school or member file id) 抽查对象' },
  finding: text(5000, 'What was found 检查发现'),
  rectification: body(['deadline', 'responsibleUnitId'], {
    deadline: { type: 'string', format: 'date', description: 'Last day, city time 整改期限（含当日）' },
    responsibleUnitId: { ...unitIdSchema, description: 'The unit that rectifies 责任单位' },
  }),
});
export type FindingDto = FromSchema<typeof FindingSchema>;

export const RectificationEvidenceSchema = body(['text'], {
  text: text(5000, 'What was done 整改情况'),
  files: {
    type: 'array',
    maxItems: 20,
    items: body(['name', 'ref'], { name: text(200, 'File name 文件名'), ref: text(500, 'File reference 文件引用') }),
  },
});
export type RectificationEvidenceDto = FromSchema<typeof RectificationEvidenceSchema>;

export const RectificationDecisionSchema = body(['decision', 'comment'], {
  decision: { type: 'string', enum: ['accept', 'return'], description: 'accept 验收通过 | return 退回重改' },
  comment: text(2000, 'Comment 意见'),
});
export type RectificationDecisionDto = FromSchema<typeof RectificationDecisionSchema>;

export const InspectionViewSchema = view(['id', 'kind', 'unitId', 'title', 'sample', 'findings', 'version'], {
  id: anyString,
  kind: InspectionKindSchema,
  unitId: anyString,
  title: anyString,
  sample: view(['of', 'size', 'seed', 'population', 'items'], {
    of: anyString,
    size: anyInteger,
    seed: { type: 'string', description: 'The same seed over the same population draws the same items 同一种子同一总体抽取结果相同' },
    population: { type: 'integer', description: 'How many there were to draw from 总体数量' },
    items: stringList,
  }),
  findings: {
    type: 'array',
    items: view(['item', 'finding', 'by', 'at'], {
      item: anyString,
      finding: anyString,
      by: anyString,
      at: dateTime,
      rectificationId: { type: ['string', 'null'] },
    }),
  },
  createdBy: anyString,
  createdAt: dateTime,
  version: anyInteger,
});

export const RectificationViewSchema = view(['id', 'inspectionId', 'responsibleUnitId', 'deadlineAt', 'status', 'overdue', 'version'], {
  id: anyString,
  inspectionId: anyString,
  kind: InspectionKindSchema,
  item: anyString,
  finding: anyString,
  responsibleUnitId: anyString,
  deadlineAt: { type: 'string', format: 'date-time', description: 'The first instant after the last day, city time 逾期起算时刻' },
  status: {
    type: 'string',
    enum: ['open', 'submitted', 'returned', 'accepted'],
    description: 'open 待整改 | submitted 已提交 | returned 退回重改 | accepted 验收通过',
  },
  overdue: { type: 'boolean', description: 'Not accepted by its deadline 已逾期' },
  escalatedTo: { ...stringList, description: 'Supervising bureaus told when it went overdue 逾期上报的主管局' },
  evidence: {
    type: 'array',
    items: view(['text', 'by', 'at'], { text: anyString, files: { type: 'array' }, by: anyString, at: dateTime }),
  },
  decisions: {
    type: 'array',
    items: view(['decision', 'comment', 'by', 'at'], { decision: anyString, comment: anyString, by: anyString, at: dateTime }),
  },
  overdueAt: dateTimeOrNull,
  version: anyInteger,
});

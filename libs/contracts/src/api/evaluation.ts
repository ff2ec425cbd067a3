import type { FromSchema } from 'json-schema-to-ts';
import {
  anyInteger,
  anyString,
  bilingual,
  body,
  dateTime,
  dateTimeOrNull,
  dueAtSchema,
  stringList,
  text,
  view,
  viewOf,
} from './fragments.js';

/**
 * 党建目标考核 Evaluation: assessment schemes of the city bureau, versioned per year, and the yearly
 * assessment of each party organisation against one (docs/adr/0022). One schema per shape: validation,
 * OpenAPI and the TypeScript type.
 */

/** The shipped schemes: 五个好 five goods, 四优学校 four excellences, 四强四比 four strengthens, four compares. */
export const SCHEME_KINDS = ['five-goods', 'four-excellences', 'four-strengthens'] as const;
export type SchemeKind = (typeof SCHEME_KINDS)[number];
export const SchemeKindSchema = {
  type: 'string',
  enum: SCHEME_KINDS,
  description: 'five-goods 五个好 (FiveGoodsAssessment) | four-excellences 四优学校 (FourExcellences) | four-strengthens 四强四比',
} as const;
export const AssessmentYearSchema = { type: 'integer', minimum: 2000, maximum: 2099, description: 'Assessment year 考核年度' } as const;

/**
 * Metrics the platform derives from the event streams (never from another service's API), each a rate
 * between 0 and 1 for a party organisation and a year (training's: of its school's teachers).
 */
export const DERIVED_METRICS = [
  'reporting.on-time-rate',
  'reporting.completeness',
  'members.within-rules',
  'training.completion-rate',
  'training.certification-rate',
] as const;
export type DerivedMetric = (typeof DERIVED_METRICS)[number];
export const DerivedMetricSchema = {
  type: 'string',
  enum: DERIVED_METRICS,
  description:
    'reporting.on-time-rate 半月报及时率 | reporting.completeness 半月报完整率 | members.within-rules 党员发展程序合规率 | training.completion-rate 培训完成率 | training.certification-rate 培训认定率',
} as const;

const key = { type: 'string', pattern: '^[a-z][a-z0-9-]{0,39}$', description: 'Stable key, e.g. leadership-team 标识' } as const;
const score = { type: 'number', minimum: 0, maximum: 1000 } as const;

/** 评分规则 How an indicator is scored: by a person with evidence, or by a formula over a derived metric. */
export const ScoringRuleSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['type'],
  properties: {
    type: { type: 'string', enum: ['manual', 'derived'], description: 'manual 人工评分（附佐证） | derived 数据自动计分' },
    metric: { ...DerivedMetricSchema, description: `Required when derived. 自动计分指标。${DerivedMetricSchema.description}` },
    fullAt: {
      type: 'number',
      exclusiveMinimum: 0,
      maximum: 1,
      description: 'Rate that earns full marks (default 1): score = max × min(1, rate / fullAt), 2 decimals. 满分所需比率',
    },
  },
  if: { properties: { type: { const: 'derived' } } },
  then: { required: ['metric'], properties: { metric: { type: 'string' } } },
} as const;
export type ScoringRule = FromSchema<typeof ScoringRuleSchema>;

export const IndicatorSchema = body(['key', 'name', 'max', 'rule'], {
  key,
  name: text(200, 'Indicator name 指标名称'),
  max: { type: 'number', exclusiveMinimum: 0, maximum: 1000, description: 'Highest score 满分' },
  rule: ScoringRuleSchema,
});
export type Indicator = FromSchema<typeof IndicatorSchema>;

export const IndicatorGroupSchema = body(['key', 'name', 'weight', 'indicators'], {
  key,
  name: text(100, 'Group name 指标组名称'),
  weight: { type: 'number', exclusiveMinimum: 0, maximum: 100, description: 'Weight of the group in the total 权重' },
  indicators: { type: 'array', minItems: 1, maxItems: 30, items: IndicatorSchema },
});
export type IndicatorGroup = FromSchema<typeof IndicatorGroupSchema>;

/** 等级线 Lowest totals (0-100) of 优秀 excellent, 良好 good and 合格 pass; below pass: 不合格 fail. */
export const GradeThresholdsSchema = body(['excellent', 'good', 'pass'], {
  excellent: { type: 'number', minimum: 0, maximum: 100, description: '优秀 from' },
  good: { type: 'number', minimum: 0, maximum: 100, description: '良好 from' },
  pass: { type: 'number', minimum: 0, maximum: 100, description: '合格 from' },
});
export type GradeThresholds = FromSchema<typeof GradeThresholdsSchema>;
export const GRADES = ['excellent', 'good', 'pass', 'fail'] as const;
export type Grade = (typeof GRADES)[number];
export const GradeSchema = { type: 'string', enum: GRADES, description: 'excellent 优秀 | good 良好 | pass 合格 | fail 不合格' } as const;

/** Body of PUT /evaluation/schemes/{kind}/{year} (city administrators). */
export const SchemeBodySchema = body(['name', 'groups', 'grades'], {
  name: body(['zh', 'en'], { zh: text(100, '中文名称'), en: text(200, 'English name') }),
  groups: { type: 'array', minItems: 1, maxItems: 10, items: IndicatorGroupSchema },
  grades: GradeThresholdsSchema,
});
export type SchemeBody = FromSchema<typeof SchemeBodySchema>;

/** 考核方案 A scheme as the API answers it: one version of one kind for one year. */
export const SchemeViewSchema = viewOf(
  SchemeBodySchema,
  {
    id: { type: 'string', description: '<kind>:<year>' },
    kind: SchemeKindSchema,
    year: anyInteger,
    schemeVersion: {
      type: 'integer',
      minimum: 1,
      description: 'Scheme version: an edit after scoring started makes the next one; scores keep theirs. 方案版本',
    },
    scoringStarted: { type: 'boolean', description: 'Scores were recorded under this version. 已开始评分' },
    version: { type: 'integer', description: 'Revision of this document; also the ETag. 修订号' },
    updatedAt: dateTimeOrNull,
    updatedBy: { type: ['string', 'null'] },
  },
  ['id', 'kind', 'year', 'schemeVersion', 'scoringStarted', 'version'],
);

const evidence = body([], {
  text: text(5000, 'Evidence text 佐证说明'),
  files: {
    type: 'array',
    maxItems: 20,
    items: body(['name', 'ref'], { name: text(200, 'File name 文件名'), ref: text(500, 'File reference (a URL or store key) 文件引用') }),
    description: 'File references 佐证材料',
  },
});

const scoreInput = body(['indicator', 'score'], {
  indicator: key,
  score,
  comment: text(2000, 'Comment 评语'),
});

/** Body of PUT .../self-assessment: the school's own scores of manual indicators, each with its evidence. */
export const SelfAssessmentSchema = body(['scores'], {
  scores: {
    type: 'array',
    maxItems: 200,
    items: body(['indicator', 'score'], { ...scoreInput.properties, evidence }),
  },
});
export type SelfAssessmentDto = FromSchema<typeof SelfAssessmentSchema>;

/** Body of PUT .../bureau-scores: the reviewing bureau's scores of manual indicators. */
export const BureauScoresSchema = body(['scores'], { scores: { type: 'array', minItems: 1, maxItems: 200, items: scoreInput } });
export type BureauScoresDto = FromSchema<typeof BureauScoresSchema>;

/** Body of POST .../moderation: the city's moderated scores (override the bureaus'), and why. */
export const ModerationSchema = body(['comment'], {
  scores: { type: 'array', maxItems: 200, items: scoreInput },
  comment: text(2000, 'Moderation comment 审定意见'),
});
export type ModerationDto = FromSchema<typeof ModerationSchema>;

/** Body of POST .../return: the reviewing bureau returns the self-assessment, with a comment. */
export const ReturnSelfAssessmentSchema = body(['comment'], { comment: text(2000, 'Why it is returned 退回理由') });
export type ReturnSelfAssessmentDto = FromSchema<typeof ReturnSelfAssessmentSchema>;

export const AssessmentStatusSchema = {
  type: 'string',
  enum: ['open', 'self-submitted', 'returned', 'scored', 'moderated', 'locked'],
  description: 'open 未提交 | self-submitted 自评已提交 | returned 自评退回 | scored 主管局已评分 | moderated 市局已审定 | locked 已锁定',
} as const;

const scoreEntry = view(['score', 'by', 'at'], { score: { type: 'number' }, comment: anyString, by: anyString, at: dateTime });

/** How a derived score was computed: the inputs, their values, the source period range. */
export const DerivedExplanationSchema = view(['metric', 'status', 'rate', 'inputs'], {
  metric: DerivedMetricSchema,
  title: bilingual,
  status: {
    type: 'string',
    enum: ['live', 'no-data'],
    description: 'live 已计算 | no-data 尚无数据',
  },
  rate: { type: ['number', 'null'], description: 'numerator / denominator, 0-1 比率' },
  formula: { type: 'string', description: 'How the rate is made 计算方法' },
  inputs: { type: 'object', description: 'Named counts the rate is made of 计算输入' },
  periods: {
    type: 'array',
    description: 'Per period: its outcome (reporting metrics) 各期次情况',
    items: view(['periodId', 'outcome'], {
      periodId: anyString,
      outcome: { type: 'string', enum: ['pending', 'on-time', 'late', 'missing'] },
      dueAt: dueAtSchema,
      submittedAt: dateTimeOrNull,
    }),
  },
  sourceRange: view(['from', 'to'], { from: { type: ['string', 'null'] }, to: { type: ['string', 'null'] } }),
  source: { type: 'string', description: 'Topic the inputs come from 数据来源主题' },
});

/** The derived metrics of one party organisation for a year (GET /evaluation/derived/{partyOrgId}). */
export const DerivedMetricsViewSchema = view(['partyOrgId', 'year', 'metrics'], {
  partyOrgId: anyString,
  unitId: anyString,
  year: anyInteger,
  metrics: { type: 'array', items: DerivedExplanationSchema },
});

const indicatorResult = view(['key', 'max', 'rule', 'score'], {
  key: anyString,
  name: anyString,
  max: { type: 'number' },
  rule: ScoringRuleSchema,
  self: { ...scoreEntry, description: "The school's self-assessment score and evidence 自评" },
  bureaus: {
    type: 'array',
    description: 'Each reviewing bureau’s score 主管局评分',
    items: view(['bureauId', 'score', 'by', 'at'], { bureauId: anyString, ...scoreEntry.properties }),
  },
  moderated: scoreEntry,
  derived: DerivedExplanationSchema,
  score: { type: ['number', 'null'], description: 'The score in force (moderated, else the bureaus’ mean, else derived) 得分' },
});

/** 年度考核 A party organisation's assessment for one scheme and year, with every score and its maker. */
export const AssessmentViewSchema = view(['id', 'kind', 'year', 'partyOrgId', 'unitId', 'status', 'reviewers', 'groups', 'version'], {
  id: { type: 'string', description: '<kind>:<year>:<partyOrgId>' },
  kind: SchemeKindSchema,
  year: anyInteger,
  partyOrgId: anyString,
  unitId: anyString,
  status: AssessmentStatusSchema,
  schemeVersion: { type: ['integer', 'null'], description: 'The scheme version its scores were made under 评分所依方案版本' },
  reviewers: { ...stringList, description: 'Bureaus that score it (affiliation) 评分主管局' },
  groups: {
    type: 'array',
    items: view(['key', 'weight', 'indicators'], {
      key: anyString,
      name: anyString,
      weight: { type: 'number' },
      score: { type: 'number' },
      indicators: { type: 'array', items: indicatorResult },
    }),
  },
  total: { type: 'number', description: 'Weighted total, 0-100 总分' },
  grade: GradeSchema,
  history: {
    type: 'array',
    description: 'Every step with who and when; a returned self-assessment stays here 历史',
    items: view(['action', 'by', 'at'], { action: anyString, by: anyString, at: dateTime, comment: anyString, scores: { type: 'array' } }),
  },
  version: { type: 'integer', description: 'Also the ETag 版本' },
});

/** One row of a score table (GET /evaluation/score-table): no names, no comments. */
export const ScoreRowSchema = view(['partyOrgId', 'unitId', 'status', 'total', 'grade'], {
  partyOrgId: anyString,
  unitId: anyString,
  status: AssessmentStatusSchema,
  schemeVersion: { type: ['integer', 'null'] },
  total: { type: 'number' },
  grade: GradeSchema,
});

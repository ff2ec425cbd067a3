import type { FromSchema } from 'json-schema-to-ts';
import { anyInteger, anyString, body, dateTime, dateTimeOrNull, dueAtSchema, stringList, text, view, viewOf } from './fragments.js';

const date = { type: 'string', format: 'date', description: 'YYYY-MM-DD' } as const;
const list = <const I extends object, const M extends number>(items: I, max: M, description: string) =>
  ({ type: 'array', maxItems: max, items, description }) as const;

/**
 * 半月记实表 The structured sections of a half-month record form (DOMAIN.md): structured enough to
 * aggregate, free enough to write in. One schema: validation, OpenAPI and the TypeScript type.
 */
export const HalfMonthReportContentSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    meetings: list(
      body(['type', 'date', 'attendance'], {
        type: {
          type: 'string',
          enum: ['branch-committee', 'branch-assembly', 'group-meeting', 'party-lesson', 'theme-day', 'democratic-life'],
          description: '支委会 | 党员大会 | 党小组会 | 党课 | 主题党日 | 组织生活会',
        },
        date,
        topic: text(200, 'Topic. 主题'),
        attendance: {
          type: 'object',
          additionalProperties: false,
          required: ['expected', 'present'],
          properties: {
            expected: { type: 'integer', minimum: 0, maximum: 10000 },
            present: { type: 'integer', minimum: 0, maximum: 10000 },
          },
          description: 'Members expected and present. 应到 / 实到',
        },
      }),
      50,
      'Organisational life held: 三会一课, theme party days. 组织生活',
    ),
    studySessions: list(
      body(['date', 'topic'], {
        date,
        topic: text(200, 'Topic. 学习主题'),
        hours: { type: 'number', minimum: 0, maximum: 24 },
        participants: { type: 'integer', minimum: 0, maximum: 10000 },
      }),
      50,
      'Theory study sessions. 理论学习',
    ),
    memberDevelopment: list(
      body(['step', 'count'], {
        step: {
          type: 'string',
          enum: ['application', 'activist', 'development-target', 'probationary', 'full-member'],
          description: '入党申请 | 积极分子 | 发展对象 | 预备党员 | 转正',
        },
        count: { type: 'integer', minimum: 0, maximum: 10000 },
        note: text(500, 'Note. 说明'),
      }),
      10,
      'Member development steps taken (counts only, no personal data). 党员发展',
    ),
    integrityWork: list(
      body(['activity'], { date, activity: text(500, 'Activity. 活动') }),
      30,
      'Party conduct and integrity work. 党风廉政',
    ),
    grassrootsService: list(
      body(['activity'], { date, activity: text(500, 'Activity. 活动'), beneficiaries: { type: 'integer', minimum: 0, maximum: 1000000 } }),
      30,
      'Service to the grassroots. 服务基层',
    ),
    goodPractices: list(
      body(['title'], { title: text(100, 'Title. 标题'), description: text(2000, 'Description. 内容') }),
      10,
      'Good experiences, practices and examples worth spreading. 好经验、好作法、好典型',
    ),
    problems: list(
      body(['problem'], { problem: text(1000, 'Problem. 问题'), nextStep: text(1000, 'Next step. 下一步措施') }),
      20,
      'Problems and next steps. 存在问题及下一步',
    ),
    freeText: { type: 'string', maxLength: 10000, description: 'Anything else. 其他' },
  },
} as const;

export type HalfMonthReportContent = FromSchema<typeof HalfMonthReportContentSchema>;

/** Body of PUT .../reports/{partyOrgId}/{periodId}: save the draft. */
export const SaveReportDraftSchema = body(['content'], { content: HalfMonthReportContentSchema });
export type SaveReportDraftDto = FromSchema<typeof SaveReportDraftSchema>;

/** Body of POST .../reports/{partyOrgId}/{periodId}/reviews: accept or return. */
export const ReviewReportSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['decision'],
  properties: {
    decision: { type: 'string', enum: ['accept', 'return'], description: 'accept 通过 | return 退回修改' },
    comment: text(2000, 'Required when returning. 退回时必填'),
  },
  if: { properties: { decision: { const: 'return' } } },
  then: { required: ['comment'], properties: { comment: { type: 'string' } } },
} as const;
export type ReviewReportDto = FromSchema<typeof ReviewReportSchema>;

/** Body of POST .../submit: optional content (else the saved draft is submitted). */
export const SubmitReportSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { content: HalfMonthReportContentSchema },
} as const;
export type SubmitReportDto = FromSchema<typeof SubmitReportSchema>;

/** Body of POST .../lock-exceptions: a reviewing bureau reopens a locked report until a date. */
export const LockExceptionSchema = body(['until', 'reason'], {
  until: { type: 'string', format: 'date-time', description: 'Open for changes until. 开放至' },
  reason: text(500, 'Why. 原因'),
});
export type LockExceptionDto = FromSchema<typeof LockExceptionSchema>;

/** Body of PUT /reporting/calendar. */
export const ReportingCalendarSchema = body(['timeZone', 'h1DueDay', 'h2WindowDays', 'lockAfterDays'], {
  timeZone: text(64, 'IANA zone, e.g. Asia/Shanghai. 时区'),
  h1DueDay: { type: 'integer', minimum: 1, maximum: 27, description: 'H1 due by the end of this day. 上半月截止日（默认 12）' },
  h2WindowDays: {
    type: 'integer',
    minimum: 1,
    maximum: 14,
    description: 'H2 window: the last N days of the month. 下半月窗口天数（默认 3）',
  },
  lockAfterDays: {
    type: 'integer',
    minimum: 0,
    maximum: 366,
    description: 'Reports lock this many days after the deadline. 截止后锁定天数',
  },
  extensions: {
    type: 'object',
    propertyNames: { pattern: '^\\d{4}-(0[1-9]|1[0-2])-H[12]$' },
    additionalProperties: {
      type: 'object',
      additionalProperties: false,
      required: ['until', 'reason'],
      properties: { until: { type: 'string', format: 'date' }, reason: { type: 'string', minLength: 1, maxLength: 200 } },
    },
    description: 'Holiday extensions by period id: last local day, inclusive. 节假日顺延',
  },
});
export type ReportingCalendarDto = FromSchema<typeof ReportingCalendarSchema>;

/** The calendar in force (GET and PUT /reporting/calendar): the rules as set, with their version (also the ETag). */
export const ReportingCalendarViewSchema = viewOf(
  ReportingCalendarSchema,
  { version: { type: 'integer', description: 'Also the ETag; 0 while the defaults apply. 版本' } },
  ['version'],
);

const reviewStatus = { type: 'string', enum: ['pending', 'accepted', 'returned'] } as const;

/** 半月记实表 A report as the API answers it: its state, how many revisions, each bureau's current review (the history is paged apart). */
export const HalfMonthReportViewSchema = view(['id', 'partyOrgId', 'unitId', 'periodId', 'dueAt', 'status', 'version', 'locked'], {
  id: { type: 'string', description: '<partyOrgId>:<periodId>' },
  partyOrgId: anyString,
  unitId: anyString,
  unitPath: { ...stringList, description: 'Path of the unit, root first. 单位路径' },
  periodId: anyString,
  opensAt: dateTime,
  dueAt: dueAtSchema,
  status: {
    type: 'string',
    enum: ['not-started', 'draft', 'submitted', 'returned', 'accepted'],
    description: 'not-started 未填报 | draft 草稿 | submitted 已报送 | returned 退回修改 | accepted 通过',
  },
  draft: { type: 'object', description: 'The saved draft (the content sections). 草稿' },
  revisionCount: {
    type: 'integer',
    minimum: 0,
    description: 'Revisions submitted so far; read them, whole, from GET .../history (kind=revision). 已报送版本数',
  },
  reviewers: { ...stringList, description: 'Reviewing bureaus. 审核单位' },
  reviews: {
    type: 'array',
    items: view(['bureauId', 'status', 'revision'], {
      bureauId: anyString,
      status: reviewStatus,
      revision: anyInteger,
      comment: anyString,
      by: anyString,
      at: dateTime,
    }),
  },
  pendingReviewers: stringList,
  firstSubmittedAt: dateTimeOrNull,
  timeliness: {
    type: ['string', 'null'],
    enum: ['on-time', 'late', 'missing', null],
    description: 'Set at the first submission (on-time: before dueAt), or missing at the deadline. 及时性',
  },
  lockExceptions: {
    type: 'array',
    items: view(['grantedBy', 'bureauId', 'grantedAt', 'until', 'reason'], {
      grantedBy: anyString,
      bureauId: anyString,
      grantedAt: dateTime,
      until: dateTime,
      reason: anyString,
    }),
  },
  version: { type: 'integer', description: 'Also the ETag. 版本' },
  updatedAt: dateTime,
  locked: { type: 'boolean', description: 'No more changes: accepted, or past the lock days without a running exception. 已锁定' },
});

const ratePercent = {
  type: ['number', 'null'],
  description: 'In percent, one decimal; null when nothing was expected. 百分比，无应报时为空',
} as const;
/** Rates in the DHIS2 sense: reports expected, received, received on time. */
const rates = {
  expected: { type: 'integer', description: 'Reports expected 应报' },
  actual: { type: 'integer', description: 'Reports submitted 实报' },
  onTime: { type: 'integer', description: 'Submitted before dueAt 按时' },
  reportingRate: ratePercent,
  onTimeRate: ratePercent,
} as const;
const ratesRequired = ['expected', 'actual', 'onTime', 'reportingRate', 'onTimeRate'] as const;

/** GET /reporting/compliance: a unit's rates per period and in total. */
export const ComplianceViewSchema = view(['unitId', 'unitName', 'periods', 'total'], {
  unitId: anyString,
  unitName: anyString,
  periods: { type: 'array', items: view([...ratesRequired, 'periodId'], { periodId: anyString, ...rates }) },
  total: view(ratesRequired, rates),
});

/** GET /reporting/compliance/breakdown: the rates of each child unit. */
export const ComplianceBreakdownViewSchema = view(['unitId', 'rows'], {
  unitId: anyString,
  rows: {
    type: 'array',
    items: view([...ratesRequired, 'unitId', 'code', 'name', 'kind'], {
      unitId: anyString,
      code: anyString,
      name: anyString,
      kind: { type: 'string', enum: ['city-bureau', 'county-bureau', 'school', 'unit'] },
      ...rates,
    }),
  },
});

/** GET /reporting/missing: the reports not submitted when the period's deadline passed. */
export const MissingReportsViewSchema = view(['unitId', 'periodId', 'missing'], {
  unitId: anyString,
  periodId: anyString,
  missing: {
    type: 'array',
    items: view(['reportId', 'partyOrgId', 'unitId', 'dueAt', 'reviewers'], {
      reportId: anyString,
      partyOrgId: anyString,
      unitId: anyString,
      dueAt: dueAtSchema,
      reviewers: stringList,
    }),
  },
});

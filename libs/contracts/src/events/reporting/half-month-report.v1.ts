import { defineEvent } from '../../event-contract.js';
import { Topics } from '../../topics.js';
import { dueAtSchema } from '../../api/fragments.js';

const PRODUCER = 'reporting';
const KEY = { field: 'unitId', description: 'Id of the school or unit whose party organisation reports. 报送单位（学校）标识。' } as const;

const periodId = {
  type: 'string',
  pattern: '^\\d{4}-(0[1-9]|1[0-2])-H[12]$',
  description: 'Reporting period YYYY-MM-H1 | YYYY-MM-H2. 期次',
} as const;
const ids = {
  reportId: { type: 'string', minLength: 1, description: 'Half-month report id. 半月记实表标识' },
  partyOrgId: { type: 'string', minLength: 1, description: 'Reporting party organisation. 报送党组织' },
  unitId: { type: 'string', minLength: 1, description: 'School or unit of the party organisation (record key). 所属单位' },
  unitPath: {
    type: 'array',
    items: { type: 'string' },
    description: 'Ancestor unit ids root first, ending with the unit: for roll-ups. 单位路径',
  },
  periodId,
} as const;
const reviewers = {
  type: 'array',
  items: { type: 'string' },
  description: 'Bureaus that review this report independently (affiliation routing). 审核教育局',
} as const;

/** 应报 One report is expected from a party organisation for a period (its window opened). */
export const ReportExpectedV1 = defineEvent({
  type: 'cn.edu.partybuilding.reporting.report.expected.v1',
  topic: Topics.reportingReports,
  description: 'A party organisation is expected to report for a period: its window opened. 应报：期次开放。',
  producer: PRODUCER,
  key: KEY,
  schema: {
    type: 'object',
    additionalProperties: true,
    required: ['reportId', 'partyOrgId', 'unitId', 'unitPath', 'periodId', 'opensAt', 'dueAt', 'reviewers'],
    properties: {
      ...ids,
      opensAt: { type: 'string', format: 'date-time' },
      dueAt: dueAtSchema,
      reviewers,
    },
  },
});

const submission = {
  type: 'object',
  additionalProperties: true,
  required: ['reportId', 'partyOrgId', 'unitId', 'unitPath', 'periodId', 'revision', 'submittedAt', 'timeliness', 'reviewers'],
  properties: {
    ...ids,
    revision: { type: 'integer', minimum: 1, description: 'Revision number; every revision is kept. 修订版本' },
    submittedAt: { type: 'string', format: 'date-time' },
    timeliness: { type: 'string', enum: ['on-time', 'late'], description: 'From the first submission. 按时 / 迟报' },
    reviewers,
  },
} as const;

/** 已报送 A half-month report was submitted for the first time. */
export const ReportSubmittedV1 = defineEvent({
  type: 'cn.edu.partybuilding.reporting.report.submitted.v1',
  topic: Topics.reportingReports,
  description: 'A half-month report was submitted for the first time. 半月记实表首次报送。',
  producer: PRODUCER,
  key: KEY,
  schema: submission,
});

/** 已修订 A half-month report was submitted again (revised, or resubmitted after a return). */
export const ReportRevisedV1 = defineEvent({
  type: 'cn.edu.partybuilding.reporting.report.revised.v1',
  topic: Topics.reportingReports,
  description: 'A half-month report was submitted again: revised, or resubmitted after a return. 半月记实表修订重报。',
  producer: PRODUCER,
  key: KEY,
  schema: submission,
});

const review = {
  type: 'object',
  additionalProperties: true,
  required: ['reportId', 'partyOrgId', 'unitId', 'periodId', 'revision', 'bureauId', 'reviewedAt'],
  properties: {
    ...ids,
    revision: { type: 'integer', minimum: 1 },
    bureauId: { type: 'string', minLength: 1, description: 'Reviewing bureau. 审核教育局' },
    reviewedAt: { type: 'string', format: 'date-time' },
    comment: { type: 'string', maxLength: 2000, description: 'Review comment (required when returned). 审核意见' },
  },
} as const;

/** 已退回 A reviewing bureau returned a report for revision. */
export const ReportReturnedV1 = defineEvent({
  type: 'cn.edu.partybuilding.reporting.report.returned.v1',
  topic: Topics.reportingReports,
  description: 'A reviewing bureau returned a report for revision, with a comment. 审核退回修改。',
  producer: PRODUCER,
  key: KEY,
  schema: review,
});

/** 已通过 A reviewing bureau accepted a report. */
export const ReportAcceptedV1 = defineEvent({
  type: 'cn.edu.partybuilding.reporting.report.accepted.v1',
  topic: Topics.reportingReports,
  description: 'A reviewing bureau accepted a report. 审核通过。',
  producer: PRODUCER,
  key: KEY,
  schema: review,
});

/** 未报 A report was missing at its deadline. */
export const ReportOverdueV1 = defineEvent({
  type: 'cn.edu.partybuilding.reporting.report.overdue.v1',
  topic: Topics.reportingReports,
  description: 'A party organisation had not submitted its report when the deadline passed. 截止未报。',
  producer: PRODUCER,
  key: KEY,
  schema: {
    type: 'object',
    additionalProperties: true,
    required: ['reportId', 'partyOrgId', 'unitId', 'unitPath', 'periodId', 'dueAt', 'reviewers'],
    properties: { ...ids, dueAt: dueAtSchema, reviewers },
  },
});

/** 期次截止 A period's deadline passed in a city: its timeliness was classified. */
export const PeriodClosedV1 = defineEvent({
  type: 'cn.edu.partybuilding.reporting.period.closed.v1',
  topic: Topics.reportingPeriods,
  description: "A period's deadline passed in a city and every expected report was classified. 期次截止，已分类。",
  producer: PRODUCER,
  key: { field: 'cityId', description: 'Id of the city bureau. 市教育局标识。' },
  schema: {
    type: 'object',
    additionalProperties: true,
    required: ['cityId', 'periodId', 'dueAt', 'expected', 'missing'],
    properties: {
      cityId: { type: 'string', minLength: 1 },
      periodId,
      dueAt: dueAtSchema,
      expected: { type: 'integer', minimum: 0, description: 'Reports expected in the city. 应报数' },
      missing: { type: 'integer', minimum: 0, description: 'Reports missing at the deadline. 截止未报数' },
    },
  },
});

import { HalfMonthReportContentSchema } from './half-month-reports.js';

/**
 * One entry of a half-month report's history (GET /api/v1/reports/{partyOrgId}/{periodId}/history):
 * a submitted revision with its whole content, or one bureau's decision on a revision. The report's
 * own answer carries `revisionCount` instead of the revisions (docs/adr/0016).
 */
export const ReportHistoryEntrySchema = {
  type: 'object',
  required: ['seq', 'kind', 'revision', 'at', 'by'],
  properties: {
    seq: { type: 'integer', minimum: 1, description: 'Order of the entry in the report 序号' },
    kind: { type: 'string', enum: ['revision', 'review'], description: 'revision 报送版本 | review 审核意见' },
    revision: { type: 'integer', minimum: 1, description: 'The revision submitted or reviewed 版本号' },
    at: { type: 'string', format: 'date-time' },
    by: { type: 'string', description: 'Account that submitted or decided 操作账号' },
    content: { ...HalfMonthReportContentSchema, description: 'A revision: what was submitted 报送内容' },
    bureauId: { type: 'string', description: 'A review: the deciding bureau 审核教育局' },
    decision: { type: 'string', enum: ['accepted', 'returned'], description: 'A review: accepted 通过 | returned 退回' },
    comment: { type: 'string', description: 'A review: the comment 审核意见' },
  },
} as const;

import { eventFamily } from '../../event-contract.js';
import { Topics } from '../../topics.js';
import { eventId, eventState, eventVersion, withState } from '../../api/fragments.js';
import { GradeSchema, SchemeKindSchema } from '../../api/evaluation.js';

/**
 * Evaluation's events are analyst-facing: ids, scores and grades per party organisation. The schemas
 * are closed (additionalProperties: false), so no comment, evidence or account can ride along.
 */
const assessmentState = eventState(
  ['assessmentId', 'kind', 'year', 'partyOrgId', 'unitId', 'unitPath', 'schemeVersion', 'status', 'total', 'grade', 'version'],
  {
    assessmentId: { ...eventId, description: '<kind>:<year>:<partyOrgId>' },
    kind: SchemeKindSchema,
    year: { type: 'integer', minimum: 2000, maximum: 2099 },
    partyOrgId: eventId,
    unitId: { ...eventId, description: 'The school or unit of the party organisation; the record key.' },
    unitPath: { type: 'array', items: { type: 'string' }, description: 'Ancestor unit ids root first, for roll-ups. 单位路径' },
    schemeVersion: { type: 'integer', minimum: 1, description: 'Scheme version the scores were made under. 方案版本' },
    status: { type: 'string', enum: ['self-submitted', 'returned', 'scored', 'moderated', 'locked'] },
    total: { type: 'number', minimum: 0, maximum: 100, description: 'Weighted total 总分' },
    grade: GradeSchema,
    version: eventVersion,
  },
  false,
);

const assessmentEvent = eventFamily({
  topic: Topics.evaluationAssessments,
  producer: 'evaluation',
  key: { field: 'unitId', description: 'Id of the school or unit of the assessed party organisation. 被考核党组织所属单位的标识。' },
});

/** 考核评分已变更 A self-assessment was submitted or returned, a bureau scored, or the city moderated. */
export const AssessmentScoredV1 = assessmentEvent(
  'cn.edu.partybuilding.evaluation.assessment.scored.v1',
  "An assessment's scores changed: the total and grade they give now (not final until locked). 考核评分已变更（锁定前非最终结果）。",
  assessmentState,
);

/** 考核结果已锁定 The city locked an assessment: its total and grade are final. */
export const AssessmentLockedV1 = assessmentEvent(
  'cn.edu.partybuilding.evaluation.assessment.locked.v1',
  'The city locked an assessment: the total, grade and group scores are final. 考核结果已锁定，为最终结果。',
  withState(
    assessmentState,
    {
      groups: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['key', 'weight', 'score'],
          properties: {
            key: { type: 'string' },
            weight: { type: 'number' },
            score: { type: 'number', description: '0-1 share of the maximum' },
          },
        },
      },
    },
    ['groups'],
  ),
);

/** 考核方案已变更 The city bureau set a scheme (a new version once scoring had started). */
export const SchemeChangedV1 = eventFamily({
  topic: Topics.evaluationSchemes,
  producer: 'evaluation',
  key: { field: 'cityId', description: 'Id of the city bureau that sets the scheme. 制定方案的市教育局标识。' },
})(
  'cn.edu.partybuilding.evaluation.scheme.changed.v1',
  'The city bureau set an assessment scheme; schemeVersion moves on when scores existed under the previous one. 考核方案已变更。',
  eventState(
    ['cityId', 'kind', 'year', 'schemeVersion', 'version'],
    {
      cityId: eventId,
      kind: SchemeKindSchema,
      year: { type: 'integer', minimum: 2000, maximum: 2099 },
      schemeVersion: { type: 'integer', minimum: 1 },
      version: eventVersion,
    },
    false,
  ),
);

import { eventFamily } from '../../event-contract.js';
import { Topics } from '../../topics.js';
import { eventId, eventState, eventVersion, withState } from '../../api/fragments.js';
import { InspectionKindSchema } from '../../api/inspections.js';

/**
 * Rectification events (docs/adr/0022): ids, the deadline and the status only. Closed schemas: the
 * finding's text, the evidence and the accounts stay in the evaluation service.
 */
const rectificationState = eventState(
  ['rectificationId', 'inspectionId', 'kind', 'unitId', 'unitPath', 'deadlineAt', 'version'],
  {
    rectificationId: eventId,
    inspectionId: eventId,
    kind: InspectionKindSchema,
    unitId: { ...eventId, description: 'The responsible unit (record key) 责任单位' },
    unitPath: { type: 'array', items: { type: 'string' }, description: 'Ancestor unit ids root first 单位路径' },
    deadlineAt: { type: 'string', format: 'date-time', description: 'The first instant after the last day, city time 逾期起算时刻' },
    version: eventVersion,
  },
  false,
);

const rectificationEvent = eventFamily({
  topic: Topics.evaluationInspections,
  producer: 'evaluation',
  key: { field: 'unitId', description: 'Id of the unit that has to rectify. 责任单位的标识。' },
});

/** 整改通知 An inspection asked a unit to rectify by a deadline. */
export const RectificationOpenedV1 = rectificationEvent(
  'cn.edu.partybuilding.evaluation.rectification.opened.v1',
  'An inspection finding asked a unit to rectify by a deadline. 检查发现问题，责任单位须限期整改。',
  rectificationState,
);

/** 已提交整改 The responsible unit submitted what it did. */
export const RectificationSubmittedV1 = rectificationEvent(
  'cn.edu.partybuilding.evaluation.rectification.submitted.v1',
  'The responsible unit submitted its rectification for acceptance. 责任单位已提交整改材料。',
  rectificationState,
);

/** 整改逾期 Not submitted by the deadline: escalated to the supervising bureau. */
export const RectificationOverdueV1 = rectificationEvent(
  'cn.edu.partybuilding.evaluation.rectification.overdue.v1',
  'A rectification was not submitted by its deadline and was escalated to the supervising bureau. 整改逾期，已上报主管局。',
  withState(
    rectificationState,
    { escalatedTo: { type: 'array', items: { type: 'string' }, description: 'Supervising bureaus told 上报的主管局' } },
    ['escalatedTo'],
  ),
);

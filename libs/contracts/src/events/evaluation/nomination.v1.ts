import { eventFamily } from '../../event-contract.js';
import { Topics } from '../../topics.js';
import { eventId, eventState, eventVersion, withState } from '../../api/fragments.js';
import { SelectionKindSchema } from '../../api/selections.js';

/**
 * Selection events (docs/adr/0022): ids, kinds and dates only. Closed schemas: the nominee (a member's
 * name for 优秀党员), the deeds, an objection's text and who objected never leave the evaluation service.
 */
const nominationState = eventState(
  ['nominationId', 'kind', 'year', 'unitId', 'unitPath', 'groupId', 'version'],
  {
    nominationId: eventId,
    kind: SelectionKindSchema,
    year: { type: 'integer', minimum: 2000, maximum: 2099 },
    unitId: { ...eventId, description: 'The nominated unit (record key) 被推荐单位' },
    unitPath: { type: 'array', items: { type: 'string' }, description: 'Ancestor unit ids root first 单位路径' },
    groupId: { ...eventId, description: 'The quota group: the county, or the city for city-direct schools 名额所属' },
    version: eventVersion,
  },
  false,
);

const nominationEvent = eventFamily({
  topic: Topics.evaluationSelections,
  producer: 'evaluation',
  key: { field: 'unitId', description: 'Id of the nominated unit. 被推荐单位的标识。' },
});

/** 开始公示 A nomination went under public notice until `noticeEndsAt`. */
export const NominationNoticeStartedV1 = nominationEvent(
  'cn.edu.partybuilding.evaluation.nomination.notice-started.v1',
  'A nomination went under public notice (公示); objections are open until noticeEndsAt. 推荐开始公示。',
  withState(nominationState, { noticeEndsAt: { type: 'string', format: 'date-time', description: '公示截止' } }, ['noticeEndsAt']),
);

/** 收到异议 An objection was raised (never who raised it, nor its text). */
export const NominationObjectionRaisedV1 = nominationEvent(
  'cn.edu.partybuilding.evaluation.nomination.objection-raised.v1',
  'An objection to a nomination under notice was raised; the reviewing bureaus handle it. 公示期收到异议。',
  withState(
    nominationState,
    {
      objectionId: eventId,
      reviewers: { type: 'array', items: { type: 'string' }, description: 'Bureaus that handle it 处理异议的教育局' },
    },
    ['objectionId', 'reviewers'],
  ),
);

/** 已公布 A nomination's result was published after its notice. */
export const NominationPublishedV1 = nominationEvent(
  'cn.edu.partybuilding.evaluation.nomination.published.v1',
  'A nomination was published after its notice, with no objection upheld. 评比结果已公布。',
  nominationState,
);

import { eventFamily } from '../../event-contract.js';
import { Topics } from '../../topics.js';
import { eventDate, eventDateOrNull, eventId, eventState, eventVersion, withState } from '../../api/fragments.js';

const contactPointState = eventState(
  ['contactPointId', 'schoolId', 'cadreAccountId', 'cadreUnitId', 'programme', 'since', 'endedOn', 'status', 'visitCount', 'version'],
  {
    contactPointId: eventId,
    schoolId: { ...eventId, description: 'The grassroots school 联系学校; the record key.' },
    cadreAccountId: { ...eventId, description: "The cadre's account 干部账号." },
    cadreUnitId: { ...eventId, description: 'The bureau the cadre works at.' },
    programme: { type: 'string', description: 'The scheme, e.g. 三联三进, 两挂两互, 干部下基层.' },
    since: eventDate,
    endedOn: eventDateOrNull,
    status: { type: 'string', enum: ['active', 'ended'] },
    visitCount: { type: 'integer', minimum: 0 },
    version: eventVersion,
  },
);

/** Every contact-point event: its topic, producer and key (the school). */
const contactPointEvent = eventFamily({
  topic: Topics.contactPoints,
  producer: 'org-registry',
  key: { field: 'schoolId', description: 'Id of the school the contact point is at. 联系点所在学校的标识。' },
});

/** 联系点已建立 A cadre was linked to a grassroots school. */
export const ContactPointCreatedV1 = contactPointEvent(
  'cn.edu.partybuilding.orgs.contact-point.created.v1',
  'A bureau cadre was linked to a grassroots school as a contact point. 联系点已建立。',
  contactPointState,
);

/** 联系点走访已记录 A visit of the cadre to the school was logged. */
export const ContactPointVisitLoggedV1 = contactPointEvent(
  'cn.edu.partybuilding.orgs.contact-point.visit-logged.v1',
  'A visit of the cadre to the school was logged (date, purpose, outcome). 联系点走访已记录。',
  withState(
    contactPointState,
    {
      visit: {
        type: 'object',
        required: ['visitId', 'date', 'purpose', 'outcome'],
        properties: { visitId: { type: 'string' }, date: eventDate, purpose: { type: 'string' }, outcome: { type: 'string' } },
      },
    },
    ['visit'],
  ),
);

/** 联系点已结束 The link ended. */
export const ContactPointEndedV1 = contactPointEvent(
  'cn.edu.partybuilding.orgs.contact-point.ended.v1',
  'A contact point ended. 联系点已结束。',
  contactPointState,
);

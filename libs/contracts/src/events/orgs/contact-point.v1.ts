import { defineEvent } from '../../event-contract.js';
import { Topics } from '../../topics.js';

const isoDate = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;

const stateProperties = {
  contactPointId: { type: 'string', minLength: 1 },
  schoolId: { type: 'string', minLength: 1, description: 'The grassroots school 联系学校; the record key.' },
  cadreAccountId: { type: 'string', minLength: 1, description: "The cadre's account 干部账号." },
  cadreUnitId: { type: 'string', minLength: 1, description: 'The bureau the cadre works at.' },
  programme: { type: 'string', description: 'The scheme, e.g. 三联三进, 两挂两互, 干部下基层.' },
  since: isoDate,
  endedOn: { type: ['string', 'null'], pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
  status: { type: 'string', enum: ['active', 'ended'] },
  visitCount: { type: 'integer', minimum: 0 },
  version: { type: 'integer', minimum: 1 },
} as const;

const required = [
  'contactPointId',
  'schoolId',
  'cadreAccountId',
  'cadreUnitId',
  'programme',
  'since',
  'endedOn',
  'status',
  'visitCount',
  'version',
] as const;
const contactPointState = { type: 'object', additionalProperties: true, required, properties: stateProperties } as const;

/** 联系点已建立 A cadre was linked to a grassroots school. */
export const ContactPointCreatedV1 = defineEvent({
  type: 'cn.edu.partybuilding.orgs.contact-point.created.v1',
  topic: Topics.contactPoints,
  description: 'A bureau cadre was linked to a grassroots school as a contact point. 联系点已建立。',
  producer: 'org-registry',
  key: { field: 'schoolId', description: 'Id of the school the contact point is at. 联系点所在学校的标识。' },
  schema: contactPointState,
});

/** 联系点走访已记录 A visit of the cadre to the school was logged. */
export const ContactPointVisitLoggedV1 = defineEvent({
  type: 'cn.edu.partybuilding.orgs.contact-point.visit-logged.v1',
  topic: Topics.contactPoints,
  description: 'A visit of the cadre to the school was logged (date, purpose, outcome). 联系点走访已记录。',
  producer: 'org-registry',
  key: { field: 'schoolId', description: 'Id of the school the contact point is at. 联系点所在学校的标识。' },
  schema: {
    type: 'object',
    additionalProperties: true,
    required: [...required, 'visit'],
    properties: {
      ...stateProperties,
      visit: {
        type: 'object',
        required: ['visitId', 'date', 'purpose', 'outcome'],
        properties: { visitId: { type: 'string' }, date: isoDate, purpose: { type: 'string' }, outcome: { type: 'string' } },
      },
    },
  },
});

/** 联系点已结束 The link ended. */
export const ContactPointEndedV1 = defineEvent({
  type: 'cn.edu.partybuilding.orgs.contact-point.ended.v1',
  topic: Topics.contactPoints,
  description: 'A contact point ended. 联系点已结束。',
  producer: 'org-registry',
  key: { field: 'schoolId', description: 'Id of the school the contact point is at. 联系点所在学校的标识。' },
  schema: contactPointState,
});

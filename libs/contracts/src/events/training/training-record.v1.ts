import { eventFamily } from '../../event-contract.js';
import { Topics } from '../../topics.js';
import { eventId, eventState, eventVersion, withState } from '../../api/fragments.js';

/**
 * Training record events (docs/adr/0019) are analyst-facing: ids, hours and counts only. The teacher
 * is named by `teacherId`, a random id the training service gave the roster entry (never the staff
 * number); the schemas are closed (additionalProperties: false), so no name, staff number or birth
 * year can ride along. Evaluation derives completion and certification rates from them.
 */
const enrolmentState = eventState(
  ['enrolmentId', 'programmeId', 'organiserId', 'unitId', 'unitPath', 'teacherId', 'year', 'requiredHours', 'hours', 'version'],
  {
    enrolmentId: { ...eventId, description: '<programmeId>:<teacherId> 报名标识' },
    programmeId: { ...eventId, description: 'The programme 培训项目' },
    organiserId: { ...eventId, description: 'The unit that organises the programme 组织单位' },
    unitId: { ...eventId, description: "The teacher's school (record key) 教师所在学校" },
    unitPath: {
      type: 'array',
      items: { type: 'string' },
      description: "The school's ancestors root first, ending with the school: for roll-ups 单位路径",
    },
    teacherId: { ...eventId, description: 'Pseudonymous teacher id: no name, staff number or birth year 教师化名标识' },
    year: { type: 'integer', minimum: 2000, maximum: 2100, description: "The programme's year 培训年度" },
    requiredHours: { type: 'number', minimum: 0, description: 'Hours the programme requires 要求学时' },
    hours: { type: 'number', minimum: 0, description: 'Hours recorded so far 已记录学时' },
    version: eventVersion,
  },
  false,
);

/** Every training record event: its topic, producer and key (the teacher's school). */
const trainingEvent = eventFamily({
  topic: Topics.trainingRecords,
  producer: 'training',
  key: { field: 'unitId', description: "Id of the teacher's school. 教师所在学校的标识。" },
});

/** 已报名 A school enrolled one of its teachers in a programme. */
export const TrainingEnrolledV1 = trainingEvent(
  'cn.edu.partybuilding.training.enrolled.v1',
  'A teacher was enrolled in a programme (pseudonymous id, no personal data). 教师已报名培训项目。',
  enrolmentState,
);

/** 已参加培训 Attendance of one or more sessions was recorded: the hours added and the total. */
export const TrainingSessionAttendedV1 = trainingEvent(
  'cn.edu.partybuilding.training.session-attended.v1',
  'Attendance of sessions was recorded (one event per write: one session, or several from an import). 已记录参训。',
  withState(
    enrolmentState,
    {
      sessionIds: { type: 'array', items: { type: 'string' }, minItems: 1, description: 'Sessions newly attended 新参加的培训课次' },
      hoursAdded: { type: 'number', minimum: 0, description: 'Hours these sessions added 本次增加学时' },
      completed: { type: 'boolean', description: 'Hours now meet the requirement 学时已达要求' },
      completedNow: { type: 'boolean', description: 'This write made the hours meet the requirement 本次达到要求' },
    },
    ['sessionIds', 'hoursAdded', 'completed', 'completedNow'],
  ),
);

/** 已考核 The assessment result of a teacher was recorded. */
export const TrainingAssessedV1 = trainingEvent(
  'cn.edu.partybuilding.training.assessed.v1',
  'The assessment result of a teacher was recorded (passed or failed, no score). 已记录考核结果。',
  withState(enrolmentState, { result: { type: 'string', enum: ['passed', 'failed'], description: 'passed 合格 | failed 不合格' } }, [
    'result',
  ]),
);

/** 已认定 A teacher was certified for a programme: by the rule, or by a bureau's exception. */
export const TrainingCertifiedV1 = trainingEvent(
  'cn.edu.partybuilding.training.certified.v1',
  'A teacher was certified (认定): hours met and assessment passed, or by exception of a bureau (the reason stays in the audit log). 已认定。',
  withState(
    enrolmentState,
    {
      certified: { type: 'boolean', const: true, description: 'Always true 已认定' },
      byException: { type: 'boolean', description: 'Certified by a bureau by exception 由教育局特批认定' },
    },
    ['certified', 'byException'],
  ),
);

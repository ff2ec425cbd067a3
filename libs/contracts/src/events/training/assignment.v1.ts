import { eventFamily } from '../../event-contract.js';
import { Topics } from '../../topics.js';
import { eventDate, eventDateOrNull, eventId, eventState, eventVersion, withState } from '../../api/fragments.js';

const unitPath = {
  type: 'array',
  items: { type: 'string' },
  description: 'Ancestor unit ids root first, ending with the unit: for roll-ups and routing. 单位路径',
} as const;

/**
 * An assignment (a secondment 挂职 or a teaching-support term 支教帮扶) as every event of the topic
 * carries it: pseudonymous ids, units and dates only. No names, no evaluation text (free text may
 * name people); the grade only.
 */
const assignmentState = eventState(
  [
    'assignmentId',
    'assignmentType',
    'kind',
    'teacherId',
    'homeUnitId',
    'homeUnitPath',
    'hostUnitId',
    'hostUnitPath',
    'hostProvince',
    'startsOn',
    'endsOn',
    'status',
    'endedOn',
    'grade',
    'version',
  ],
  {
    assignmentId: eventId,
    assignmentType: {
      type: 'string',
      enum: ['secondment', 'teaching-support'],
      description: 'secondment 挂职 | teaching-support 支教帮扶',
    },
    kind: {
      type: 'string',
      enum: ['high-quality-school', 'bureau', 'other-province', 'teaching-support'],
      description:
        'high-quality-school 到优质学校挂职锻炼 | bureau 上挂 | other-province 外省定点挂职 | teaching-support 支教帮扶 (to a weak or rural school)',
    },
    teacherId: { ...eventId, description: 'Pseudonymous id of the teacher (the roster id, never a name). 教师标识（化名）' },
    homeUnitId: { ...eventId, description: 'The unit the teacher belongs to (record key). 派出单位' },
    homeUnitPath: unitPath,
    hostUnitId: { type: ['string', 'null'], description: 'The host unit, or null for a host in another province. 接收单位' },
    hostUnitPath: { type: ['array', 'null'], items: { type: 'string' }, description: 'Path of the host unit, or null. 接收单位路径' },
    hostProvince: { type: ['string', 'null'], description: 'Province of a host outside the city (外省定点挂职), else null. 外省省份' },
    startsOn: eventDate,
    endsOn: eventDate,
    status: { type: 'string', enum: ['planned', 'active', 'ended'] },
    endedOn: eventDateOrNull,
    grade: {
      type: ['string', 'null'],
      enum: ['excellent', 'good', 'pass', 'fail', null],
      description: 'End evaluation grade 考核等次 (优秀/良好/合格/不合格), null until evaluated',
    },
    version: eventVersion,
  },
);

/** Every assignment event: its topic, producer and key (the home unit). */
const assignmentEvent = eventFamily({
  topic: Topics.trainingAssignments,
  producer: 'training',
  key: { field: 'homeUnitId', description: 'Id of the unit that sends the teacher. 派出单位标识。' },
});

/** 挂职开始 A secondment started on its start date (city time zone). */
export const SecondmentStartedV1 = assignmentEvent(
  'cn.edu.partybuilding.training.secondment.started.v1',
  'A secondment (挂职锻炼, 上挂, 外省定点挂职) started on its start date. 挂职开始。',
  assignmentState,
);

/** 挂职结束 A secondment ended: its end date passed, or it was ended early with its evaluation. */
export const SecondmentEndedV1 = assignmentEvent(
  'cn.edu.partybuilding.training.secondment.ended.v1',
  'A secondment ended: its end date passed, or the home unit ended it with its evaluation. 挂职结束。',
  assignmentState,
);

/** 支教开始 A teaching-support term at a weak or rural school started. */
export const TeachingSupportStartedV1 = assignmentEvent(
  'cn.edu.partybuilding.training.teaching-support.started.v1',
  'A teaching-support term (支教帮扶) at a weak or rural school started on its start date. 支教开始。',
  assignmentState,
);

/** 支教结束 A teaching-support term ended. */
export const TeachingSupportEndedV1 = assignmentEvent(
  'cn.edu.partybuilding.training.teaching-support.ended.v1',
  'A teaching-support term ended: its end date passed, or the home unit ended it with its evaluation. 支教结束。',
  assignmentState,
);

/** 即将结束 An active assignment ends within the reminder days: the host and home units are reminded. */
export const AssignmentEndingSoonV1 = assignmentEvent(
  'cn.edu.partybuilding.training.assignment.ending-soon.v1',
  'An active secondment or teaching-support term ends within the reminder days; once per assignment. 挂职或支教即将结束。',
  withState(assignmentState, { daysLeft: { type: 'integer', minimum: 0, description: 'Days until the end date. 剩余天数' } }, ['daysLeft']),
);

/** 考核已记录 The end evaluation of an assignment that had already ended was recorded. */
export const AssignmentEvaluatedV1 = assignmentEvent(
  'cn.edu.partybuilding.training.assignment.evaluated.v1',
  'The end evaluation (grade) of an assignment that had ended on its date was recorded. 挂职或支教考核已记录。',
  assignmentState,
);

import type { FromSchema } from 'json-schema-to-ts';
import { IsoDateSchema, SlugIdSchema } from './common.js';
import { anyInteger, anyString, bilingual, body, stringOrNull, strings, text, view } from './fragments.js';

/** A teacher of the roster (training's `teachers`), by id: the people of cadre development. */
const teacherIdSchema = { type: 'string', minLength: 1, maxLength: 64, description: 'Teacher id of the roster 教师标识' } as const;

/** Body of POST /api/v1/org-units/{id}/reserve-cadres. */
export const AddReserveCadreSchema = body(['teacherId'], {
  teacherId: teacherIdSchema,
  since: { ...IsoDateSchema, description: 'Listed since (default today, city time). 列入日期' },
  note: { type: 'string', maxLength: 200, description: 'Why, or the post in view. 备注' },
});
export type AddReserveCadreDto = FromSchema<typeof AddReserveCadreSchema>;

/** 后备干部 One reserve cadre of a unit. */
export const ReserveCadreViewSchema = view(['unitId', 'teacherId', 'since'], {
  ...strings('unitId', 'teacherId', 'since'),
  note: stringOrNull,
});

/** Body of PUT /api/v1/org-units/{id}/leadership-team: the whole team. */
export const LeadershipTeamSchema = body(['members'], {
  members: {
    type: 'array',
    maxItems: 30,
    items: body(['teacherId', 'post'], {
      teacherId: teacherIdSchema,
      post: text(30, 'Post, e.g. 党支部书记, 校长, 副校长 职务'),
    }),
  },
});
export type LeadershipTeamDto = FromSchema<typeof LeadershipTeamSchema>;

/** 领导班子 A unit's leadership team. */
export const LeadershipTeamViewSchema = view(['unitId', 'members', 'version'], {
  unitId: anyString,
  members: { type: 'array', items: view(['teacherId', 'post'], strings('teacherId', 'post')) },
  version: anyInteger,
});

/** 年龄梯次配备 The age tiers of one leadership team, in the city's bands. */
export const AgeTierReportSchema = view(['unitId', 'year', 'teamSize', 'bands', 'required', 'missing', 'flagged'], {
  unitId: anyString,
  year: { type: 'integer', description: "The current year in the city's time zone; age = year - birth year. 年份" },
  teamSize: anyInteger,
  bands: {
    type: 'array',
    items: view(['id', 'from', 'to', 'label', 'count'], {
      id: { type: 'string', description: 'e.g. under-35, 35-44, 55-plus' },
      from: { type: ['integer', 'null'], description: 'Lowest age in the band, null for the first 最小年龄' },
      to: { type: ['integer', 'null'], description: 'Highest age in the band, null for the last 最大年龄' },
      label: bilingual,
      count: anyInteger,
    }),
  },
  required: { type: 'array', items: anyString, description: 'Bands the city requires in every team 必备年龄段' },
  missing: { type: 'array', items: anyString, description: 'Required bands the team lacks 缺少的年龄段' },
  flagged: { type: 'boolean', description: 'The team lacks a required band 梯次不全' },
});

const assignmentGrade = {
  type: 'string',
  enum: ['excellent', 'good', 'pass', 'fail'],
  description: 'excellent 优秀 | good 良好 | pass 合格 | fail 不合格',
} as const;

/** Body of POST /api/v1/secondments. */
export const CreateSecondmentSchema = body(['teacherId', 'kind', 'startsOn', 'endsOn'], {
  id: SlugIdSchema,
  teacherId: teacherIdSchema,
  kind: {
    type: 'string',
    enum: ['high-quality-school', 'bureau', 'other-province'],
    description: 'high-quality-school 到优质学校挂职锻炼 | bureau 上挂 | other-province 外省定点挂职',
  },
  hostUnitId: { type: 'string', minLength: 1, maxLength: 64, description: 'Host unit in the city (not for other-province) 接收单位' },
  hostName: { type: 'string', minLength: 1, maxLength: 100, description: 'Host in another province (other-province only) 外省接收单位' },
  hostProvince: { type: 'string', minLength: 1, maxLength: 30, description: 'Its province (other-province only) 省份' },
  startsOn: IsoDateSchema,
  endsOn: IsoDateSchema,
});
export type CreateSecondmentDto = FromSchema<typeof CreateSecondmentSchema>;

/** Body of POST /api/v1/teaching-supports. */
export const CreateTeachingSupportSchema = body(['teacherId', 'hostUnitId', 'term', 'startsOn', 'endsOn'], {
  id: SlugIdSchema,
  teacherId: teacherIdSchema,
  hostUnitId: { type: 'string', minLength: 1, maxLength: 64, description: 'The weak or rural school 受援学校' },
  term: { type: 'string', pattern: '^20\\d{2}-20\\d{2}-[12]$', description: 'School year and term, e.g. 2026-2027-1 学年学期' },
  startsOn: IsoDateSchema,
  endsOn: IsoDateSchema,
});
export type CreateTeachingSupportDto = FromSchema<typeof CreateTeachingSupportSchema>;

/** Body of POST /api/v1/secondments/{id}/end and /api/v1/teaching-supports/{id}/end. */
export const EndAssignmentSchema = body(['evaluation'], {
  evaluation: body(['text', 'grade'], { text: text(500, 'Short evaluation 考核评语'), grade: assignmentGrade }),
  endedOn: { ...IsoDateSchema, description: 'Ended early on (default today, city time); not after the end date. 提前结束日期' },
});
export type EndAssignmentDto = FromSchema<typeof EndAssignmentSchema>;

/** 挂职 / 支教 One assignment of a teacher. */
export const AssignmentViewSchema = view(
  ['id', 'assignmentType', 'kind', 'teacherId', 'homeUnitId', 'startsOn', 'endsOn', 'status', 'version'],
  {
    ...strings('id', 'teacherId', 'homeUnitId', 'startsOn', 'endsOn'),
    assignmentType: { type: 'string', enum: ['secondment', 'teaching-support'] },
    kind: { type: 'string', enum: ['high-quality-school', 'bureau', 'other-province', 'teaching-support'] },
    hostUnitId: stringOrNull,
    hostName: stringOrNull,
    hostProvince: stringOrNull,
    term: stringOrNull,
    status: { type: 'string', enum: ['planned', 'active', 'ended'], description: 'planned 未开始 | active 进行中 | ended 已结束' },
    endedOn: stringOrNull,
    evaluation: { type: ['object', 'null'], properties: { text: anyString, grade: assignmentGrade } },
    version: anyInteger,
  },
);

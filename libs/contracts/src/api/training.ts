import type { FromSchema } from 'json-schema-to-ts';
import { IsoDateSchema, SlugIdSchema, unitIdSchema } from './common.js';
import { anyInteger, body, dateTime, stringOrNull, strings, text, view } from './fragments.js';

/** 培训类别 What a programme trains. */
export const PROGRAMME_CATEGORIES = [
  'theory-study',
  'subject-teaching',
  'management',
  'ethics',
  'information-technology',
  'other',
] as const;
/** 考核方式 How a programme assesses: an exam, a practical task, or not at all (hours alone certify). */
export const ASSESSMENT_METHODS = ['exam', 'practice', 'none'] as const;
/** 学期 The part of the year a programme runs in. */
export const PROGRAMME_TERMS = ['spring', 'autumn', 'summer', 'winter', 'full-year'] as const;

const hours = (max: number, description: string) =>
  ({ type: 'number', exclusiveMinimum: 0, maximum: max, multipleOf: 0.5, description }) as const;
export const TrainingYearSchema = { type: 'integer', minimum: 2000, maximum: 2100, description: 'Training year 培训年度' } as const;
const teacherIdSchema = { type: 'string', minLength: 1, maxLength: 200, description: 'Teacher id (from the roster) 教师标识' } as const;

/** Body of POST /api/v1/training/programmes. */
export const CreateProgrammeSchema = body(['title', 'category', 'requiredHours', 'year', 'term', 'assessment', 'capacity'], {
  id: SlugIdSchema,
  organiserId: { ...unitIdSchema, description: 'Organising unit (default: yours); open to its subtree 组织单位（默认本单位）' },
  title: text(100, 'Title 培训项目名称'),
  category: {
    type: 'string',
    enum: PROGRAMME_CATEGORIES,
    description:
      'theory-study 理论学习 | subject-teaching 学科教学 | management 管理能力 | ethics 师德师风 | information-technology 信息技术 | other 其他',
  },
  requiredHours: hours(1000, 'Hours required for certification 认定所需学时'),
  year: TrainingYearSchema,
  term: { type: 'string', enum: PROGRAMME_TERMS, description: 'spring 春季 | autumn 秋季 | summer 暑期 | winter 寒假 | full-year 全年' },
  assessment: { type: 'string', enum: ASSESSMENT_METHODS, description: 'exam 考试 | practice 实践考核 | none 不考核' },
  capacity: { type: 'integer', minimum: 1, maximum: 100000, description: 'Most teachers enrolled 名额' },
});
export type CreateProgrammeDto = FromSchema<typeof CreateProgrammeSchema>;

/** Body of POST /api/v1/training/programmes/{id}/sessions. */
export const CreateSessionSchema = body(['date', 'hours'], {
  date: { ...IsoDateSchema, description: 'Date of the session (one per day and programme) 培训日期' },
  hours: hours(24, 'Hours of the session 课时'),
});
export type CreateSessionDto = FromSchema<typeof CreateSessionSchema>;

/** Body of POST /api/v1/training/programmes/{id}/enrolments. */
export const EnrolTeacherSchema = body(['teacherId'], { teacherId: teacherIdSchema });
export type EnrolTeacherDto = FromSchema<typeof EnrolTeacherSchema>;

/** Body of POST /api/v1/training/programmes/{id}/attendance. */
export const RecordAttendanceSchema = body(['sessionId', 'teacherId'], {
  sessionId: { type: 'string', minLength: 1, maxLength: 200, description: 'The session attended 培训课次' },
  teacherId: teacherIdSchema,
  hours: hours(24, "Hours attended (default: the session's hours) 参训学时（默认本课次学时）"),
});
export type RecordAttendanceDto = FromSchema<typeof RecordAttendanceSchema>;

/** Body of POST /api/v1/training/programmes/{id}/assessments. */
export const RecordAssessmentSchema = body(['teacherId', 'result'], {
  teacherId: teacherIdSchema,
  result: { type: 'string', enum: ['passed', 'failed'], description: 'passed 合格 | failed 不合格' },
});
export type RecordAssessmentDto = FromSchema<typeof RecordAssessmentSchema>;

/** Body of POST /api/v1/training/programmes/{id}/certifications: a bureau certifies by exception. */
export const CertifyByExceptionSchema = body(['teacherId', 'reason'], {
  teacherId: teacherIdSchema,
  reason: text(500, 'Why the bureau certifies by exception (audited) 特批认定理由（记入审计）'),
});
export type CertifyByExceptionDto = FromSchema<typeof CertifyByExceptionSchema>;

export const ProgrammeViewSchema = view(
  ['id', 'organiserId', 'title', 'category', 'requiredHours', 'year', 'term', 'assessment', 'capacity', 'enrolled', 'sessions', 'version'],
  {
    ...strings('id', 'organiserId', 'title', 'category', 'term', 'assessment'),
    requiredHours: { type: 'number' },
    year: anyInteger,
    capacity: anyInteger,
    enrolled: { type: 'integer', description: 'Teachers enrolled so far 已报名人数' },
    sessions: {
      type: 'array',
      items: view(['id', 'date', 'hours'], { ...strings('id', 'date'), hours: { type: 'number' } }),
      description: 'Sessions by date 培训课次',
    },
    version: anyInteger,
  },
);

/** 报名与认定 One teacher's record in one programme: no name (pseudonymous teacher id). */
export const EnrolmentViewSchema = view(
  [
    'id',
    'programmeId',
    'teacherId',
    'unitId',
    'year',
    'requiredHours',
    'hours',
    'sessionIds',
    'assessment',
    'completed',
    'certified',
    'version',
  ],
  {
    ...strings('id', 'programmeId', 'teacherId', 'unitId'),
    year: anyInteger,
    requiredHours: { type: 'number' },
    hours: { type: 'number', description: 'Hours recorded 已记录学时' },
    sessionIds: { type: 'array', items: { type: 'string' } },
    assessment: { type: ['string', 'null'], enum: ['passed', 'failed', null], description: 'null: not assessed yet 未考核' },
    completed: { type: 'boolean', description: 'Hours meet the requirement 学时达标' },
    certified: { type: 'boolean', description: '已认定' },
    certification: {
      type: ['object', 'null'],
      properties: { by: { type: 'string', enum: ['rule', 'exception'] }, reason: stringOrNull, at: dateTime, actor: { type: 'string' } },
    },
    version: anyInteger,
  },
);

const rates = {
  enrolments: { type: 'integer', description: 'Enrolments in programmes of the year 报名人次' },
  completed: { type: 'integer', description: 'Enrolments whose hours met the requirement 学时达标人次' },
  certified: { type: 'integer', description: 'Enrolments certified 认定人次' },
  hours: { type: 'number', description: 'Hours recorded 学时合计' },
  completionRate: {
    type: ['number', 'null'],
    description: 'completed / enrolments in percent, one decimal; null without enrolments 完成率',
  },
  certificationRate: { type: ['number', 'null'], description: 'certified / enrolments in percent 认定率' },
} as const;
const RATES_REQUIRED = ['enrolments', 'completed', 'certified', 'hours', 'completionRate', 'certificationRate'] as const;

/** 年度培训统计 Yearly totals of a unit (school, county, city) and of each unit below it. No names. */
export const TrainingTotalsViewSchema = view(['unitId', 'year', ...RATES_REQUIRED, 'children'], {
  unitId: { type: 'string' },
  year: anyInteger,
  ...rates,
  children: {
    type: 'array',
    items: view(['unitId', 'name', 'kind', ...RATES_REQUIRED], { ...strings('unitId', 'name', 'kind'), ...rates }),
    description: 'Each unit directly below 下级单位',
  },
});

/** 教师年度培训统计 One teacher's yearly totals (pseudonymous id). */
export const TeacherTotalsViewSchema = view(['teacherId', 'unitId', 'year', ...RATES_REQUIRED], {
  ...strings('teacherId', 'unitId'),
  year: anyInteger,
  ...rates,
});

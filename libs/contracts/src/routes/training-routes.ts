/**
 * The training service's entries of the route table (docs/adr/0019): spread into `Routes`, declared
 * with the same vocabulary. Teacher rosters first; programmes, sessions, attendance, certification and
 * totals follow in their own sections.
 */
import { unitIdSchema } from '../api/common.js';
import { CreateTeacherSchema, TeacherViewSchema, UpdateTeacherSchema } from '../api/teachers.js';
import {
  CertifyByExceptionSchema,
  CreateProgrammeSchema,
  CreateSessionSchema,
  EnrolmentViewSchema,
  EnrolTeacherSchema,
  ProgrammeViewSchema,
  RecordAssessmentSchema,
  RecordAttendanceSchema,
  TeacherTotalsViewSchema,
  TrainingTotalsViewSchema,
  TrainingYearSchema,
} from '../api/training.js';
import { ADMINS, ALL_ROLES, type Role, route } from './route.js';

/** Who reads personal data over REST: every role but analysts (docs/adr/0017); one list for every service. */
export const PERSONAL_DATA_READERS = ['city-admin', 'county-admin', 'school-secretary', 'inspector'] as const satisfies readonly Role[];
/** Who changes a school's training records: the school and the bureaus above it. */
export const TRAINING_WRITERS = ['city-admin', 'county-admin', 'school-secretary'] as const satisfies readonly Role[];

const idParam = (description: string) => ({ type: 'string', minLength: 1, maxLength: 200, description }) as const;
const SCHOOL_ID = { id: idParam('School id 学校标识') } as const;
const TEACHER_ID = { id: idParam('Teacher id 教师标识') } as const;
const PROGRAMME_ID = { id: idParam('Programme id 培训项目标识') } as const;
const TAG_TEACHERS = 'training 教师培训';
const TAG = TAG_TEACHERS;
const PERSONAL =
  'Personal data: readable only by the school and the bureaus above it; analysts get 403 (they see totals and pseudonymous ids). 个人信息仅限本校及上级教育局查看。';

export const TrainingRoutes = {
  // --- Teachers 教师名册 (t-core) ---
  postTrainingSchoolTeachers: route({
    method: 'POST',
    path: '/api/v1/training/schools/{id}/teachers',
    service: 'training',
    tag: TAG_TEACHERS,
    roles: TRAINING_WRITERS,
    summary: "Add a teacher to a school's roster 登记教师",
    description: `The staff number is unique within the school (409 naming /staffNumber). ${PERSONAL}`,
    params: SCHOOL_ID,
    body: CreateTeacherSchema,
    ok: { status: 201, schema: TeacherViewSchema },
    problems: { 409: 'The staff number is taken in this school 工号已存在' },
  }),
  getTrainingSchoolTeachers: route({
    method: 'GET',
    path: '/api/v1/training/schools/{id}/teachers',
    service: 'training',
    tag: TAG_TEACHERS,
    roles: PERSONAL_DATA_READERS,
    summary: "A school's teacher roster 教师名册",
    description: PERSONAL,
    params: SCHOOL_ID,
    paginated: { maxLimit: 500, defaultLimit: 100 },
    ok: { status: 200, schema: TeacherViewSchema },
  }),
  getTrainingTeachersOne: route({
    method: 'GET',
    path: '/api/v1/training/teachers/{id}',
    service: 'training',
    tag: TAG_TEACHERS,
    roles: PERSONAL_DATA_READERS,
    summary: 'Read a teacher 查看教师',
    description: PERSONAL,
    params: TEACHER_ID,
    ok: { status: 200, schema: TeacherViewSchema },
  }),
  patchTrainingTeachers: route({
    method: 'PATCH',
    path: '/api/v1/training/teachers/{id}',
    service: 'training',
    tag: TAG_TEACHERS,
    roles: TRAINING_WRITERS,
    summary: 'Change a teacher 修改教师信息',
    description: `With If-Match: 412 when stale. ${PERSONAL}`,
    params: TEACHER_ID,
    ifMatch: 'optional',
    body: UpdateTeacherSchema,
    ok: { status: 200, schema: TeacherViewSchema },
    problems: { 409: 'The staff number is taken in this school 工号已存在', 412: true },
  }),

  // --- Programmes, sessions, attendance, assessment, certification, totals 培训项目与认定 (t-core) ---
  postTrainingProgrammes: route({
    method: 'POST',
    path: '/api/v1/training/programmes',
    service: 'training',
    tag: TAG,
    roles: TRAINING_WRITERS,
    summary: 'Create a training programme 新建培训项目',
    description:
      "Organised by a unit of your subtree (yours by default) and open to the organiser's subtree: its schools enrol their own teachers. 面向组织单位下属学校开放。",
    body: CreateProgrammeSchema,
    ok: { status: 201, schema: ProgrammeViewSchema },
    problems: { 409: 'A programme with this id exists 项目标识已存在' },
  }),
  getTrainingProgrammes: route({
    method: 'GET',
    path: '/api/v1/training/programmes',
    service: 'training',
    tag: TAG,
    roles: ALL_ROLES,
    summary: 'Programmes open to you 可参加的培训项目',
    description:
      'Those organised by your unit or a bureau above it, and those organised inside your subtree. 本单位及上级组织的项目，以及下属单位组织的项目。',
    query: { year: TrainingYearSchema },
    paginated: { maxLimit: 100, defaultLimit: 20 },
    ok: { status: 200, schema: ProgrammeViewSchema },
  }),
  getTrainingProgrammesOne: route({
    method: 'GET',
    path: '/api/v1/training/programmes/{id}',
    service: 'training',
    tag: TAG,
    roles: ALL_ROLES,
    summary: 'Read a programme and its sessions 查看培训项目',
    description: "404 unless you are in the organiser's subtree or above it. 仅组织单位的上下级可见。",
    params: PROGRAMME_ID,
    ok: { status: 200, schema: ProgrammeViewSchema },
  }),
  postTrainingProgrammesSessions: route({
    method: 'POST',
    path: '/api/v1/training/programmes/{id}/sessions',
    service: 'training',
    tag: TAG,
    roles: TRAINING_WRITERS,
    summary: 'Add a session (date, hours) 新增培训课次',
    description: 'By the organiser or a bureau above it; one session per date. 由组织单位添加，每日一次。',
    params: PROGRAMME_ID,
    body: CreateSessionSchema,
    ok: { status: 201, schema: ProgrammeViewSchema },
    problems: { 409: 'A session on this date exists 该日期已有课次' },
  }),
  postTrainingProgrammesEnrolments: route({
    method: 'POST',
    path: '/api/v1/training/programmes/{id}/enrolments',
    service: 'training',
    tag: TAG,
    roles: TRAINING_WRITERS,
    summary: 'Enrol a teacher 报名',
    description:
      "The teacher's school must lie in the organiser's subtree (422 otherwise); a full programme answers 409 (rule capacity); a teacher enrolled already 409 (rule unique). 名额已满或已报名时返回 409。",
    params: PROGRAMME_ID,
    body: EnrolTeacherSchema,
    ok: { status: 201, schema: EnrolmentViewSchema },
    problems: {
      409: 'Full, or enrolled already 名额已满或已报名',
      422: "The teacher's school is outside the programme's reach 不在项目范围内",
    },
  }),
  getTrainingProgrammesEnrolments: route({
    method: 'GET',
    path: '/api/v1/training/programmes/{id}/enrolments',
    service: 'training',
    tag: TAG,
    roles: PERSONAL_DATA_READERS,
    summary: "Enrolments, hours and certification of a programme's teachers 报名与认定情况",
    description:
      "The organiser and the bureaus above it see all; a school its own teachers'. Pseudonymous teacher ids, no names. 组织单位可见全部，学校仅见本校。",
    params: PROGRAMME_ID,
    paginated: { maxLimit: 500, defaultLimit: 100 },
    ok: { status: 200, schema: EnrolmentViewSchema },
  }),
  postTrainingProgrammesAttendance: route({
    method: 'POST',
    path: '/api/v1/training/programmes/{id}/attendance',
    service: 'training',
    tag: TAG,
    roles: TRAINING_WRITERS,
    summary: 'Record attendance of a session 记录参训',
    description:
      "By the teacher's school or a bureau above it. Recording the same session again changes nothing. When the hours meet the requirement and the assessment is passed (or there is none), the teacher is certified in the same write. 学时达标且考核合格即认定。",
    params: PROGRAMME_ID,
    body: RecordAttendanceSchema,
    ok: { status: 200, schema: EnrolmentViewSchema },
    problems: { 422: 'Not enrolled, or unknown session 未报名或课次不存在' },
  }),
  postTrainingProgrammesAssessments: route({
    method: 'POST',
    path: '/api/v1/training/programmes/{id}/assessments',
    service: 'training',
    tag: TAG,
    roles: TRAINING_WRITERS,
    summary: 'Record an assessment result 记录考核结果',
    description: 'By the organiser or a bureau above it. A pass with the hours met certifies. 由组织单位记录。',
    params: PROGRAMME_ID,
    body: RecordAssessmentSchema,
    ok: { status: 200, schema: EnrolmentViewSchema },
    problems: { 422: 'Not enrolled, or the programme is not assessed 未报名或不考核' },
  }),
  postTrainingProgrammesCertifications: route({
    method: 'POST',
    path: '/api/v1/training/programmes/{id}/certifications',
    service: 'training',
    tag: TAG,
    roles: ADMINS,
    summary: 'Certify by exception 特批认定',
    description:
      "A bureau above the teacher's school certifies with a reason, recorded in the audit log. 教育局可说明理由特批认定，记入审计。",
    params: PROGRAMME_ID,
    body: CertifyByExceptionSchema,
    ok: { status: 200, schema: EnrolmentViewSchema },
    problems: { 409: 'Certified already 已认定', 422: 'Not enrolled 未报名' },
  }),
  getTrainingTotals: route({
    method: 'GET',
    path: '/api/v1/training/totals',
    service: 'training',
    tag: TAG,
    roles: ALL_ROLES,
    summary: 'Yearly training totals of a unit and the units below it 年度培训统计',
    description:
      'Hours, completion rate and certification rate of a school, county or the city, kept from the training events. Counts only, no names. 学时、完成率与认定率。',
    query: { unit: { ...unitIdSchema, description: 'Default: your unit 默认本单位' }, year: TrainingYearSchema },
    requiredQuery: ['year'],
    ok: { status: 200, schema: TrainingTotalsViewSchema },
  }),
  getTrainingTeachersTotals: route({
    method: 'GET',
    path: '/api/v1/training/teachers/{id}/totals',
    service: 'training',
    tag: TAG,
    roles: PERSONAL_DATA_READERS,
    summary: "A teacher's yearly totals 教师年度培训统计",
    description: PERSONAL,
    params: TEACHER_ID,
    query: { year: TrainingYearSchema },
    requiredQuery: ['year'],
    ok: { status: 200, schema: TeacherTotalsViewSchema },
  }),
} as const;

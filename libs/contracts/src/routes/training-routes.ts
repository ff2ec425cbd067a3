/**
 * The training service's entries of the route table (docs/adr/0019): spread into `Routes`, declared
 * with the same vocabulary. Teacher rosters first; programmes, sessions, attendance, certification and
 * totals follow in their own sections.
 */
import { CreateTeacherSchema, TeacherViewSchema, UpdateTeacherSchema } from '../api/teachers.js';
import { type Role, route } from './route.js';

/** Who reads personal data over REST: every role but analysts (docs/adr/0017); one list for every service. */
export const PERSONAL_DATA_READERS = ['city-admin', 'county-admin', 'school-secretary', 'inspector'] as const satisfies readonly Role[];
/** Who changes a school's training records: the school and the bureaus above it. */
export const TRAINING_WRITERS = ['city-admin', 'county-admin', 'school-secretary'] as const satisfies readonly Role[];

const idParam = (description: string) => ({ type: 'string', minLength: 1, maxLength: 200, description }) as const;
const SCHOOL_ID = { id: idParam('School id 学校标识') } as const;
const TEACHER_ID = { id: idParam('Teacher id 教师标识') } as const;
const TAG_TEACHERS = 'training 教师培训';
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
} as const;

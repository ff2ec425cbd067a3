/**
 * 干部培养 Cadre development's entries of the route table (training service): reserve cadres, leadership
 * teams and their age tiers, secondments and teaching support. Spread into `Routes` (routes.ts), so
 * they are declared once like every other entry.
 */
import { unitIdSchema } from '../api/common.js';
import {
  AddReserveCadreSchema,
  AgeTierReportSchema,
  AssignmentViewSchema,
  CreateSecondmentSchema,
  CreateTeachingSupportSchema,
  EndAssignmentSchema,
  LeadershipTeamSchema,
  LeadershipTeamViewSchema,
  ReserveCadreViewSchema,
} from '../api/cadres.js';
import { ALL_ROLES, route } from './route.js';
import { PERSONAL_DATA_READERS, TRAINING_WRITERS } from './training-routes.js';

const TAG = 'cadres 干部培养';
/** Who reads people of the roster (personal data): everyone but analysts. */
const PEOPLE_READERS = PERSONAL_DATA_READERS;
/** Who arranges cadre work: the bureaus, and a school's secretary for its own people. */
const ARRANGERS = TRAINING_WRITERS;
const idParam = (description: string) => ({ type: 'string', minLength: 1, maxLength: 200, description }) as const;
const UNIT_ID = { id: idParam('Org unit id 单位标识') } as const;
const ASSIGNMENT_ID = { id: idParam('Assignment id 挂职/支教标识') } as const;
const SUBTREE = { unit: { ...unitIdSchema, description: 'Subtree root; defaults to your own unit. 查询范围' } } as const;
const OVERLAP = 'Overlaps another secondment or teaching support of the person (names it and its dates) 与此人另一项挂职或支教时间重叠';

export const CadreRoutes = {
  getOrgUnitsReserveCadres: route({
    method: 'GET',
    path: '/api/v1/org-units/{id}/reserve-cadres',
    service: 'training',
    tag: TAG,
    roles: PEOPLE_READERS,
    summary: "A unit's reserve cadres 后备干部名单",
    params: UNIT_ID,
    paginated: { maxLimit: 100, defaultLimit: 20 },
    ok: { status: 200, schema: ReserveCadreViewSchema },
  }),
  postOrgUnitsReserveCadres: route({
    method: 'POST',
    path: '/api/v1/org-units/{id}/reserve-cadres',
    service: 'training',
    tag: TAG,
    roles: ARRANGERS,
    summary: 'List a teacher of the unit as a reserve cadre 列入后备干部',
    params: UNIT_ID,
    body: AddReserveCadreSchema,
    ok: { status: 201, schema: ReserveCadreViewSchema },
    problems: { 409: 'Already a reserve cadre of the unit 已是后备干部', 422: 'Not a teacher of this unit 非本单位教师' },
  }),
  deleteOrgUnitsReserveCadres: route({
    method: 'DELETE',
    path: '/api/v1/org-units/{id}/reserve-cadres/{teacherId}',
    service: 'training',
    tag: TAG,
    roles: ARRANGERS,
    summary: 'Remove a reserve cadre 移出后备干部',
    params: { ...UNIT_ID, teacherId: idParam('Teacher id 教师标识') },
    ok: { status: 204, description: 'Removed 已移出' },
  }),
  getOrgUnitsLeadershipTeam: route({
    method: 'GET',
    path: '/api/v1/org-units/{id}/leadership-team',
    service: 'training',
    tag: TAG,
    roles: PEOPLE_READERS,
    summary: "A unit's leadership team 领导班子",
    params: UNIT_ID,
    ok: { status: 200, schema: LeadershipTeamViewSchema },
  }),
  putOrgUnitsLeadershipTeam: route({
    method: 'PUT',
    path: '/api/v1/org-units/{id}/leadership-team',
    service: 'training',
    tag: TAG,
    roles: ARRANGERS,
    summary: "Set a unit's leadership team 设定领导班子",
    description: 'The whole team; each member a teacher of the unit, once. 全体成员，须为本单位教师，不重复。',
    params: UNIT_ID,
    ifMatch: 'optional',
    body: LeadershipTeamSchema,
    ok: { status: 200, schema: LeadershipTeamViewSchema },
    problems: {
      409: 'The team changed meanwhile 领导班子刚被他人修改',
      412: true,
      422: 'A member is not a teacher of the unit, or twice 成员非本单位教师或重复',
    },
  }),
  getOrgUnitsLeadershipTeamAgeTiers: route({
    method: 'GET',
    path: '/api/v1/org-units/{id}/leadership-team/age-tiers',
    service: 'training',
    tag: TAG,
    roles: ALL_ROLES,
    summary: "The team's age tiers 领导班子年龄梯次",
    description:
      "Counts by the city's age bands (age = the current year in the city's time zone minus the birth year), and a flag when a band the city requires is empty. 按市定年龄段计数；缺少必备年龄段时标记。",
    params: UNIT_ID,
    ok: { status: 200, schema: AgeTierReportSchema },
  }),
  getCadresAgeTiers: route({
    method: 'GET',
    path: '/api/v1/cadres/age-tiers',
    service: 'training',
    tag: TAG,
    roles: ALL_ROLES,
    summary: 'Age tiers of every leadership team of a subtree 下属单位领导班子年龄梯次',
    query: SUBTREE,
    paginated: { maxLimit: 100, defaultLimit: 20 },
    ok: { status: 200, schema: AgeTierReportSchema },
  }),
  postSecondments: route({
    method: 'POST',
    path: '/api/v1/secondments',
    service: 'training',
    tag: TAG,
    roles: ARRANGERS,
    summary: 'Second a teacher 安排挂职',
    description:
      'To a high-quality school (挂职锻炼), up to the bureau (上挂) or to another province (外省定点挂职): host, start and end. Starts on its start date (city time). 到优质学校挂职锻炼、上挂或外省定点挂职。',
    body: CreateSecondmentSchema,
    ok: { status: 201, schema: AssignmentViewSchema },
    problems: { 409: OVERLAP, 422: 'Host or dates break a rule 接收单位或日期不符合规则' },
  }),
  getSecondmentsOne: route({
    method: 'GET',
    path: '/api/v1/secondments/{id}',
    service: 'training',
    tag: TAG,
    roles: PEOPLE_READERS,
    summary: 'Read a secondment 查看挂职',
    params: ASSIGNMENT_ID,
    ok: { status: 200, schema: AssignmentViewSchema },
  }),
  postSecondmentsEnd: route({
    method: 'POST',
    path: '/api/v1/secondments/{id}/end',
    service: 'training',
    tag: TAG,
    roles: ARRANGERS,
    summary: 'End a secondment with its evaluation 结束挂职并记录考核',
    description:
      'Ends it now (or on endedOn) if it is running; records the evaluation of one that ended on its date. 进行中则提前结束；已到期结束的记录考核。',
    params: ASSIGNMENT_ID,
    ifMatch: 'optional',
    body: EndAssignmentSchema,
    ok: { status: 200, schema: AssignmentViewSchema },
    problems: { 409: 'Not started, or already evaluated 尚未开始或已考核', 412: true, 422: true },
  }),
  postTeachingSupports: route({
    method: 'POST',
    path: '/api/v1/teaching-supports',
    service: 'training',
    tag: TAG,
    roles: ARRANGERS,
    summary: 'Send a teacher to a weak or rural school for a term 安排支教帮扶',
    body: CreateTeachingSupportSchema,
    ok: { status: 201, schema: AssignmentViewSchema },
    problems: { 409: OVERLAP, 422: 'Host or dates break a rule 受援学校或日期不符合规则' },
  }),
  getTeachingSupportsOne: route({
    method: 'GET',
    path: '/api/v1/teaching-supports/{id}',
    service: 'training',
    tag: TAG,
    roles: PEOPLE_READERS,
    summary: 'Read a teaching-support term 查看支教',
    params: ASSIGNMENT_ID,
    ok: { status: 200, schema: AssignmentViewSchema },
  }),
  postTeachingSupportsEnd: route({
    method: 'POST',
    path: '/api/v1/teaching-supports/{id}/end',
    service: 'training',
    tag: TAG,
    roles: ARRANGERS,
    summary: 'End a teaching-support term with its evaluation 结束支教并记录考核',
    params: ASSIGNMENT_ID,
    ifMatch: 'optional',
    body: EndAssignmentSchema,
    ok: { status: 200, schema: AssignmentViewSchema },
    problems: { 409: 'Not started, or already evaluated 尚未开始或已考核', 412: true, 422: true },
  }),
  getCadresAssignments: route({
    method: 'GET',
    path: '/api/v1/cadres/assignments',
    service: 'training',
    tag: TAG,
    roles: PEOPLE_READERS,
    summary: "Secondments and teaching support of a subtree's teachers 下属单位的挂职与支教",
    query: {
      ...SUBTREE,
      status: { type: 'string', enum: ['planned', 'active', 'ended'], description: '状态' },
      type: { type: 'string', enum: ['secondment', 'teaching-support'], description: '类型' },
    },
    paginated: { maxLimit: 100, defaultLimit: 20 },
    ok: { status: 200, schema: AssignmentViewSchema },
  }),
} as const;

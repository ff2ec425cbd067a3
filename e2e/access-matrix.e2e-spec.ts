import { beforeAll, describe, expect, it } from '@jest/globals';
import { Routes, type Role, type RouteSpec } from '@pb/contracts';
import { nextPeriod } from './support/periods.js';
import { api, createUnits, dbOf, e2e, eventually, login, mongo, tokenFor, uniqueId } from './support/env.js';

// The access matrix (ARCHITECTURE.md §7): every caller kind x every route of the route table
// (`Routes` in @pb/contracts, which the gateway's document comes from) x the caller's own / parent /
// child / sibling / a foreign org unit, one test per cell. The routes and the roles each admits come
// from the table, never from a list here: what this file adds is how to aim a route at a unit
// (RECIPES). A table route without a recipe fails its own test, so a new route joins the matrix.
//
// The fixture is built through the API:  city C ── county A ── schools A1, A2
//                                               ├─ county B ── school B1
//                                               └─ school D (city-direct)
//                                        foreign city F ── school F1

type Relation = 'own' | 'parent' | 'child' | 'sibling' | 'foreign';
const RELATIONS: Relation[] = ['own', 'parent', 'child', 'sibling', 'foreign'];

interface Caller {
  name: string;
  role: Role;
  unit: string;
  viaKey?: boolean;
  headers: Record<string, string>;
}

interface Request {
  method: string;
  path: string;
  body?: unknown;
  /** An upload's file (text/csv) instead of a JSON body. */
  file?: { bytes: Buffer; contentType: string };
  headers?: Record<string, string>;
}

/** How to aim one route of the table at a unit; its roles come from the table entry. */
interface RouteRule {
  /** Whether the route is about an org unit (then each relation is a cell), and how to aim it at one. */
  scoped: boolean;
  /** The answer of an admitted, in-scope cell; several where the owner's business rules decide (window, state). Never 403. */
  ok: number | number[];
  /**
   * Why the owner refuses (403) some in-scope callers of an admitted role by their relation to the
   * object (who reviews a report, whose rules a bureau sets). Only such routes may answer an admitted
   * role 403: anywhere else a 403 means the table lists a role the service refuses, and the cell fails.
   */
  refusesByRelation?: string;
  /** API keys are refused even with an admitted role (keys cannot manage keys). */
  refusesKeys?: boolean;
  request: (target: string, caller: Caller) => Promise<Request> | Request;
}

const unitKey = (...parts: string[]) => parts.join('-');
/** The next period: open for drafts (a report may start ahead) and not yet for submission (422). */
const PERIOD = nextPeriod();
const partyOrgOf = (unit: string) => `po-${unit}`;
const report = (unit: string) => `/api/v1/reports/${partyOrgOf(unit)}/${PERIOD}`;
const CONTENT = { content: { freeText: '矩阵测试记实' } };
/** 考核 The assessment year of the evaluation cells, a scheme body, and a party organisation's assessment. */
const EVAL_YEAR = 2031;
const EVAL_SCHEME = {
  name: { zh: '矩阵方案', en: 'Matrix scheme' },
  groups: [{ key: 'g', name: '指标组', weight: 100, indicators: [{ key: 'i', name: '指标', max: 10, rule: { type: 'manual' } }] }],
  grades: { excellent: 90, good: 80, pass: 60 },
};
const SELECTION = `/api/v1/evaluation/selections/excellent-member/${EVAL_YEAR}`;
const nominationBody = (unit: string) => ({ unitId: unit, nominee: '矩阵推荐', reason: '矩阵事迹' });
const inspectionBody = (unit: string) => ({
  kind: 'party-dues',
  unitId: unit,
  title: '矩阵检查',
  sample: { of: 'schools', size: 3, seed: 'matrix' },
});
const assessmentOf = (unit: string, kind = 'five-goods') => `/api/v1/evaluation/assessments/${kind}/${EVAL_YEAR}/${partyOrgOf(unit)}`;
/** Today in the city's time zone: the registry's dates (opening, closing) are city dates. */
const TODAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());

/**
 * Party organisations, members and contact points live at schools: the school standing for a unit
 * keeps every relation intact (the city's is its city-direct school D, county A's is A2 so that a
 * secretary of A1 finds it outside its school, county B's is B1, foreign F's is F1).
 */
const schoolOf = (unit: string) =>
  ({ [units['C']]: units['D'], [units['A']]: units['A2'], [units['B']]: units['B1'], [units['F']]: units['F1'] })[unit] ?? unit;
const fixtures = {
  partyOrg: {} as Record<string, string>,
  member: {} as Record<string, string>,
  contactPoint: {} as Record<string, string>,
  /** 评比 a nomination of each unit under notice, and the objection raised against it. */
  nomination: {} as Record<string, string>,
  objection: {} as Record<string, string>,
  /** 督促检查 an inspection of each unit's subtree, an item of its sample, and a rectification the unit owes. */
  inspection: {} as Record<string, string>,
  sampled: {} as Record<string, string>,
  rectification: {} as Record<string, string>,
  teacher: {} as Record<string, string>,
  programme: {} as Record<string, string>,
  secondment: {} as Record<string, string>,
  teachingSupport: {} as Record<string, string>,
  /** A school of the foreign city besides F1: the host of F1's teaching support. */
  foreignHost: '',
  importJob: {} as Record<string, string>,
};
/** The administrator of the city a unit belongs to (fresh resources for destructive cells). */
const ownerOf = (unit: string) => (unit === units['F'] || unit === units['F1'] ? foreignAdminToken : cityAdminToken);
async function made(unit: string, path: string, body: unknown): Promise<string> {
  const res = await api('POST', path, { token: ownerOf(unit), body });
  if (res.status !== 201) throw new Error(`fixture ${path} at ${unit}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body['id'] as string;
}
const freshUnit = (parent: string) => {
  const id = uniqueId('mxu');
  return made(parent, '/api/v1/org-units', { id, code: id.toUpperCase(), name: '临时单位', kind: 'unit', parentId: parent });
};
const partyOrgBody = (school: string) => ({
  id: uniqueId('mxpo'),
  unitId: school,
  kind: 'branch',
  name: '矩阵党支部',
  principal: { name: '甲书记' },
  deputy: { name: '乙委员' },
});
const freshPartyOrg = (unit: string) => made(schoolOf(unit), '/api/v1/party-orgs', partyOrgBody(schoolOf(unit)));
const memberBody = () => ({
  person: { name: '矩阵党员', gender: 'female', birthDate: '1990-05-01' },
  milestones: [
    { kind: 'application', date: '2024-03-01' },
    { kind: 'first-talk', date: '2024-03-20' },
  ],
});
const freshMember = async (unit: string) =>
  made(schoolOf(unit), `/api/v1/party-orgs/${fixtures.partyOrg[schoolOf(unit)]}/members`, memberBody());
/** A cadre of `bureau` (by default the bureau above the school in the fixture) linked to a school. */
const contactPointBody = (school: string, bureau = school === units['F1'] ? units['F'] : units['C']) => ({
  cadreAccountId: uniqueId('cadre'),
  cadreUnitId: bureau,
  schoolId: school,
  since: '2025-01-01',
});
/**
 * A small attendance file for a school, new each time (a new job, 202): its one row names the school's
 * programme and its session of 2027-03-01, and a staff number on no roster (a row error).
 */
const attendanceFile = (school: string) => ({
  bytes: Buffer.from(`programmeId,sessionId,staffNumber\n${fixtures.programme[school]},2027-03-01,${uniqueId('t')}\n`),
  contentType: 'text/csv',
});
/** A teacher with a staff number of its own (unique in the school). */
const teacherBody = () => ({ name: '矩阵教师', staffNumber: uniqueId('t'), subject: '语文', birthYear: 1988, partyMember: false });
/** A programme organised at a school (so that it is open to that school and managed from above it, as the relations need). */
const programmeBody = (school: string) => ({
  organiserId: school,
  title: '矩阵培训项目',
  category: 'theory-study',
  requiredHours: 8,
  year: 2027,
  term: 'full-year',
  assessment: 'exam',
  capacity: 10000,
});
/** A session date no other cell used (one session a day per programme). */
let sessionDays = 0;
const freshSessionDate = () => new Date(Date.UTC(2027, 3, 1) + sessionDays++ * 86_400_000).toISOString().slice(0, 10);
/** A teacher of `unit`'s school, enrolled in that school's programme by its city's administrator. */
async function freshEnrolledTeacher(unit: string): Promise<string> {
  const school = schoolOf(unit);
  const teacherId = await made(school, `/api/v1/training/schools/${school}/teachers`, teacherBody());
  await made(school, `/api/v1/training/programmes/${fixtures.programme[school]}/enrolments`, { teacherId });
  return teacherId;
}
const freshContactPoint = (unit: string) => made(schoolOf(unit), '/api/v1/contact-points', contactPointBody(schoolOf(unit)));

// --- cadre development (docs/adr/0021): assignments of a fresh teacher each (one person's may not overlap) ---
const freshTeacher = (school: string) => made(school, `/api/v1/training/schools/${school}/teachers`, teacherBody());
/** A day after TODAY, as the assignments' end. */
const later = (days: number) => new Date(Date.parse(`${TODAY}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const cityBureauOf = (school: string) => (school === units['F1'] ? units['F'] : units['C']);
const hostSchoolOf = (school: string) => (school === units['F1'] ? fixtures.foreignHost : school === units['D'] ? units['A2'] : units['D']);
/** A secondment up to the city bureau (上挂) or a teaching-support term, running from today. */
async function freshAssignment(unit: string, type: 'secondment' | 'teaching-support'): Promise<string> {
  const school = schoolOf(unit);
  const teacherId = await freshTeacher(school);
  return type === 'secondment'
    ? made(school, '/api/v1/secondments', {
        teacherId,
        kind: 'bureau',
        hostUnitId: cityBureauOf(school),
        startsOn: TODAY,
        endsOn: later(30),
      })
    : made(school, '/api/v1/teaching-supports', {
        teacherId,
        hostUnitId: hostSchoolOf(school),
        term: '2026-2027-1',
        startsOn: TODAY,
        endsOn: later(30),
      });
}
async function freshReserveCadre(unit: string): Promise<string> {
  const school = schoolOf(unit);
  const teacherId = await freshTeacher(school);
  await made(school, `/api/v1/org-units/${school}/reserve-cadres`, { teacherId }).catch(() => undefined);
  return teacherId;
}
const EVALUATION = { evaluation: { text: '矩阵考核', grade: 'good' } };
const units: Record<string, string> = {};
const victims: Record<string, string> = {}; // an account at each unit, to read and change
let cityAdminToken = '';
let foreignAdminToken = '';

/** A fresh API key at a unit, made by an administrator of that unit's city (for DELETE cells). */
async function freshKey(unit: string): Promise<string> {
  const token = unit === units['F1'] ? foreignAdminToken : cityAdminToken;
  const res = await api('POST', '/api/v1/api-keys', { token, body: { name: 'matrix', orgUnitId: unit } });
  if (res.status !== 201) throw new Error(`fixture key at ${unit}: ${res.status}`);
  return res.body['id'] as string;
}

const RECIPES: Record<string, RouteRule> = {
  'POST /api/v1/auth/login': {
    scoped: false,
    ok: 401,
    request: () => ({ method: 'POST', path: '/api/v1/auth/login', body: { username: uniqueId('nobody'), password: 'wrong-password' } }),
  },
  'POST /api/v1/auth/refresh': {
    scoped: false,
    ok: 401,
    request: () => ({ method: 'POST', path: '/api/v1/auth/refresh', body: { refreshToken: 'pbr_not-a-token' } }),
  },
  'POST /api/v1/auth/logout': {
    scoped: false,
    ok: 204,
    request: () => ({ method: 'POST', path: '/api/v1/auth/logout', body: { refreshToken: 'pbr_not-a-token' } }),
  },
  'GET /api/v1/accounts/me': { scoped: false, ok: 200, request: () => ({ method: 'GET', path: '/api/v1/accounts/me' }) },
  'POST /api/v1/accounts': {
    scoped: true,
    ok: 201,
    request: (target) => ({
      method: 'POST',
      path: '/api/v1/accounts',
      body: { username: uniqueId('m'), displayName: '矩阵', orgUnitId: target, roles: ['inspector'], password: 'matrix-password-1' },
    }),
  },
  'GET /api/v1/accounts': {
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/accounts?unit=${target}` }),
  },
  'GET /api/v1/accounts/{id}': {
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/accounts/${victims[target]}` }),
  },
  'PATCH /api/v1/accounts/{id}': {
    scoped: true,
    ok: 200,
    request: (target) => ({
      method: 'PATCH',
      path: `/api/v1/accounts/${victims[target]}`,
      body: { displayName: '已改名' },
      headers: { 'if-match': '*' },
    }),
  },
  'POST /api/v1/api-keys': {
    scoped: true,
    ok: 201,
    refusesKeys: true,
    request: (target) => ({ method: 'POST', path: '/api/v1/api-keys', body: { name: 'matrix', orgUnitId: target } }),
  },
  'GET /api/v1/api-keys': {
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/api-keys?unit=${target}` }),
  },
  'DELETE /api/v1/api-keys/{id}': {
    scoped: true,
    ok: 204,
    refusesKeys: true,
    request: async (target) => ({ method: 'DELETE', path: `/api/v1/api-keys/${await freshKey(target)}` }),
  },
  'GET /api/v1/audit': {
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/audit?unit=${target}` }),
  },
  'POST /api/v1/org-units': {
    scoped: true,
    ok: 201,
    request: (target) => {
      const id = uniqueId('mx');
      return {
        method: 'POST',
        path: '/api/v1/org-units',
        body: { id, code: id.toUpperCase(), name: '矩阵单位', kind: 'unit', parentId: target },
      };
    },
  },
  'GET /api/v1/org-units/{id}': {
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/org-units/${target}` }),
  },

  // The org registry (issue 4): the tree, party organisations, members (personal data), rules, contact points.
  'POST /api/v1/org-units/batch': {
    scoped: true,
    ok: 201,
    request: (target) => {
      const id = uniqueId('mxb');
      return {
        method: 'POST',
        path: '/api/v1/org-units/batch',
        body: { units: [{ id, code: id.toUpperCase(), name: '批量单位', kind: 'unit', parentId: target }] },
      };
    },
  },
  'GET /api/v1/org-units/{id}/children': {
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/org-units/${target}/children` }),
  },
  'GET /api/v1/org-units/{id}/subtree': {
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/org-units/${target}/subtree` }),
  },
  'GET /api/v1/org-units/{id}/history': {
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/org-units/${target}/history` }),
  },
  'PATCH /api/v1/org-units/{id}': {
    scoped: true,
    ok: 200,
    request: async (target) => ({ method: 'PATCH', path: `/api/v1/org-units/${await freshUnit(target)}`, body: { name: '已更名单位' } }),
  },
  'POST /api/v1/org-units/{id}/move': {
    scoped: true,
    ok: [200, 409, 422], // the tree's rules decide in scope; outside it nothing is reachable
    request: async (target, caller) => ({
      method: 'POST',
      path: `/api/v1/org-units/${await freshUnit(target)}/move`,
      body: { parentId: caller.unit },
    }),
  },
  'POST /api/v1/org-units/{id}/close': {
    scoped: true,
    ok: 200,
    request: async (target) => ({ method: 'POST', path: `/api/v1/org-units/${await freshUnit(target)}/close`, body: { closedOn: TODAY } }),
  },
  'GET /api/v1/org-units/{id}/party-orgs': {
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/org-units/${schoolOf(target)}/party-orgs` }),
  },
  'POST /api/v1/party-orgs': {
    scoped: true,
    ok: 201,
    request: (target) => ({ method: 'POST', path: '/api/v1/party-orgs', body: partyOrgBody(schoolOf(target)) }),
  },
  'GET /api/v1/party-orgs/{id}': {
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/party-orgs/${fixtures.partyOrg[schoolOf(target)]}` }),
  },
  'PATCH /api/v1/party-orgs/{id}': {
    scoped: true,
    ok: 200,
    request: (target) => ({
      method: 'PATCH',
      path: `/api/v1/party-orgs/${fixtures.partyOrg[schoolOf(target)]}`,
      body: { name: '矩阵党支部（改）' },
    }),
  },
  'PUT /api/v1/party-orgs/{id}/affiliation': {
    scoped: true,
    ok: [200, 409, 422], // which bureau may supervise is the registry's rule
    request: async (target, caller) => ({
      method: 'PUT',
      path: `/api/v1/party-orgs/${await freshPartyOrg(target)}/affiliation`,
      body: { supervisorId: caller.unit, routing: 'single' },
    }),
  },
  'POST /api/v1/party-orgs/{id}/close': {
    scoped: true,
    ok: 200,
    request: async (target) => ({
      method: 'POST',
      path: `/api/v1/party-orgs/${await freshPartyOrg(target)}/close`,
      body: { closedOn: TODAY },
    }),
  },
  'GET /api/v1/party-orgs/{id}/members': {
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/party-orgs/${fixtures.partyOrg[schoolOf(target)]}/members` }),
  },
  'POST /api/v1/party-orgs/{id}/members': {
    scoped: true,
    ok: 201,
    request: (target) => ({
      method: 'POST',
      path: `/api/v1/party-orgs/${fixtures.partyOrg[schoolOf(target)]}/members`,
      body: memberBody(),
    }),
  },
  'GET /api/v1/members/flagged': {
    scoped: false,
    ok: 200,
    request: () => ({ method: 'GET', path: '/api/v1/members/flagged' }),
  },
  'GET /api/v1/members/{id}': {
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/members/${fixtures.member[schoolOf(target)]}` }),
  },
  'POST /api/v1/members/{id}/milestones': {
    scoped: true,
    ok: [200, 409, 422], // the milestone rules decide in scope
    request: (target) => ({
      method: 'POST',
      path: `/api/v1/members/${fixtures.member[schoolOf(target)]}/milestones`,
      body: { kind: 'activist', date: '2024-09-01' },
    }),
  },
  'POST /api/v1/members/{id}/transfer': {
    scoped: true,
    ok: [200, 409, 422],
    request: async (target, caller) => ({
      method: 'POST',
      path: `/api/v1/members/${await freshMember(target)}/transfer`,
      body: { toPartyOrgId: fixtures.partyOrg[schoolOf(caller.unit)], date: TODAY },
    }),
  },
  'GET /api/v1/org-units/{id}/milestone-rules': {
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/org-units/${target}/milestone-rules` }),
  },
  'PUT /api/v1/org-units/{id}/milestone-rules': {
    scoped: true,
    ok: [200, 409, 422],
    refusesByRelation: 'a bureau sets its own rules; the registry decides for other units in scope',
    request: async (target) => {
      const current = await api('GET', `/api/v1/org-units/${target}/milestone-rules`, { token: ownerOf(target) });
      const rules = (current.body['rules'] ?? current.body) as Record<string, unknown>;
      return {
        method: 'PUT',
        path: `/api/v1/org-units/${target}/milestone-rules`,
        body: { order: rules['order'], intervals: rules['intervals'] },
      };
    },
  },
  'GET /api/v1/org-units/{id}/contact-points': {
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/org-units/${schoolOf(target)}/contact-points` }),
  },
  'POST /api/v1/contact-points': {
    scoped: true,
    ok: [201, 422],
    request: (target, caller) => ({
      method: 'POST',
      path: '/api/v1/contact-points',
      body: contactPointBody(schoolOf(target), caller.unit),
    }),
  },
  'GET /api/v1/contact-points/{id}': {
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/contact-points/${fixtures.contactPoint[schoolOf(target)]}` }),
  },
  'POST /api/v1/contact-points/{id}/visits': {
    scoped: true,
    ok: 201, // every role the table lists logs a visit in scope
    request: (target) => ({
      method: 'POST',
      path: `/api/v1/contact-points/${fixtures.contactPoint[schoolOf(target)]}/visits`,
      body: { date: '2025-06-01', purpose: '调研', outcome: '已完成' },
    }),
  },
  'POST /api/v1/contact-points/{id}/end': {
    scoped: true,
    ok: 200,
    request: async (target) => ({
      method: 'POST',
      path: `/api/v1/contact-points/${await freshContactPoint(target)}/end`,
      body: { endedOn: TODAY },
    }),
  },

  // Half-month reports (reporting). Party organisations are seeded into reporting's read model below
  // until org-registry publishes them (issue 4); every unit's report of PERIOD exists as a draft.
  'GET /api/v1/reports/review-queue': {
    scoped: false,
    ok: 200,
    request: () => ({ method: 'GET', path: '/api/v1/reports/review-queue' }),
  },
  'GET /api/v1/reports/{partyOrgId}/{periodId}': {
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: report(target) }),
  },
  'GET /api/v1/reports/{partyOrgId}/{periodId}/history': {
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `${report(target)}/history` }),
  },
  'PUT /api/v1/reports/{partyOrgId}/{periodId}/draft': {
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'PUT', path: `${report(target)}/draft`, body: CONTENT }),
  },
  'POST /api/v1/reports/{partyOrgId}/{periodId}/submit': {
    scoped: true,
    ok: 422, // PERIOD's window is not open yet: the owner's rule, reached only in scope
    request: (target) => ({
      method: 'POST',
      path: `${report(target)}/submit`,
      body: CONTENT,
      headers: { 'idempotency-key': uniqueId('idem') },
    }),
  },
  'POST /api/v1/reports/{partyOrgId}/{periodId}/reviews': {
    scoped: true,
    ok: 409, // not submitted yet, for a reviewing bureau
    refusesByRelation: 'a bureau that does not review the report',
    request: (target) => ({ method: 'POST', path: `${report(target)}/reviews`, body: { decision: 'accept' } }),
  },
  'POST /api/v1/reports/{partyOrgId}/{periodId}/lock-exceptions': {
    scoped: true,
    ok: 200,
    refusesByRelation: 'a bureau that does not review the report',
    request: (target) => ({
      method: 'POST',
      path: `${report(target)}/lock-exceptions`,
      body: { until: new Date(Date.now() + 86_400_000).toISOString(), reason: '矩阵' },
    }),
  },
  'GET /api/v1/reporting/calendar': {
    scoped: false,
    ok: 200,
    request: () => ({ method: 'GET', path: '/api/v1/reporting/calendar' }),
  },
  'PUT /api/v1/reporting/calendar': {
    scoped: false,
    ok: 200,
    request: async () => {
      const current = (await api('GET', '/api/v1/reporting/calendar', { token: cityAdminToken })).body;
      const { timeZone, h1DueDay, h2WindowDays, lockAfterDays, extensions } = current;
      return { method: 'PUT', path: '/api/v1/reporting/calendar', body: { timeZone, h1DueDay, h2WindowDays, lockAfterDays, extensions } };
    },
  },
  // 考核 evaluation: assessments of the party organisation `po-<unit>` put into evaluation's read model below.
  'GET /api/v1/evaluation/schemes/{kind}/{year}': {
    scoped: false,
    ok: 200,
    request: () => ({ method: 'GET', path: `/api/v1/evaluation/schemes/five-goods/${EVAL_YEAR}` }),
  },
  'PUT /api/v1/evaluation/schemes/{kind}/{year}': {
    scoped: false,
    ok: 200,
    request: () => ({ method: 'PUT', path: `/api/v1/evaluation/schemes/four-excellences/${EVAL_YEAR + 1}`, body: EVAL_SCHEME }),
  },
  'GET /api/v1/evaluation/assessments/{kind}/{year}/{partyOrgId}': {
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: assessmentOf(target) }),
  },
  'PUT /api/v1/evaluation/assessments/{kind}/{year}/{partyOrgId}/self-assessment': {
    scoped: true,
    ok: [200, 409], // 409 once the self-assessment was submitted
    request: (target) => ({
      method: 'PUT',
      path: `${assessmentOf(target)}/self-assessment`,
      body: { scores: [{ indicator: 'leadership-study', score: 8, evidence: { text: '矩阵佐证' } }] },
    }),
  },
  'POST /api/v1/evaluation/assessments/{kind}/{year}/{partyOrgId}/self-assessment/submit': {
    scoped: true,
    ok: [200, 409], // 409 once submitted
    request: (target) => ({ method: 'POST', path: `${assessmentOf(target)}/self-assessment/submit` }),
  },
  'POST /api/v1/evaluation/assessments/{kind}/{year}/{partyOrgId}/return': {
    scoped: true,
    ok: [200, 409], // 409 while nothing submitted waits
    refusesByRelation: 'a bureau the affiliation does not name as scoring',
    request: (target) => ({ method: 'POST', path: `${assessmentOf(target)}/return`, body: { comment: '矩阵退回' } }),
  },
  'PUT /api/v1/evaluation/assessments/{kind}/{year}/{partyOrgId}/bureau-scores': {
    scoped: true,
    ok: 200,
    refusesByRelation: 'a bureau the affiliation does not name as scoring',
    request: (target) => ({
      method: 'PUT',
      path: `${assessmentOf(target)}/bureau-scores`,
      body: { scores: [{ indicator: 'leadership-study', score: 7, comment: '矩阵评分' }] },
    }),
  },
  'POST /api/v1/evaluation/assessments/{kind}/{year}/{partyOrgId}/moderation': {
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'POST', path: `${assessmentOf(target)}/moderation`, body: { comment: '矩阵审定' } }),
  },
  'POST /api/v1/evaluation/assessments/{kind}/{year}/{partyOrgId}/lock': {
    scoped: true,
    ok: [200, 409], // 409 once locked; another kind than the other cells, which stay open
    request: (target) => ({ method: 'POST', path: `${assessmentOf(target, 'four-strengthens')}/lock` }),
  },
  'GET /api/v1/evaluation/score-table': {
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/evaluation/score-table?kind=five-goods&year=${EVAL_YEAR}&unit=${target}` }),
  },
  'GET /api/v1/evaluation/derived/{partyOrgId}': {
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/evaluation/derived/${partyOrgOf(target)}?year=${EVAL_YEAR}` }),
  },
  // 评比 selections: each unit's nomination is under notice with one objection (made below).
  'GET /api/v1/evaluation/selections/{kind}/{year}/quotas': {
    scoped: false,
    ok: 200,
    request: () => ({ method: 'GET', path: `${SELECTION}/quotas` }),
  },
  'PUT /api/v1/evaluation/selections/{kind}/{year}/quotas': {
    scoped: false,
    ok: 200,
    request: () => ({
      method: 'PUT',
      path: `/api/v1/evaluation/selections/pioneer-group/${EVAL_YEAR}/quotas`,
      body: { quotas: [{ groupId: units['C'], quota: 3 }], noticeWorkingDays: 5 },
    }),
  },
  'POST /api/v1/evaluation/selections/{kind}/{year}/nominations': {
    scoped: true,
    ok: 201,
    request: (target) => ({ method: 'POST', path: `${SELECTION}/nominations`, body: nominationBody(target) }),
  },
  'GET /api/v1/evaluation/nominations/{id}': {
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/evaluation/nominations/${fixtures.nomination[target]}` }),
  },
  'POST /api/v1/evaluation/nominations/{id}/review': {
    scoped: true,
    ok: 409, // reviewed already
    refusesByRelation: 'a bureau that does not review the nomination',
    request: (target) => ({
      method: 'POST',
      path: `/api/v1/evaluation/nominations/${fixtures.nomination[target]}/review`,
      body: { decision: 'approve' },
    }),
  },
  'POST /api/v1/evaluation/nominations/{id}/notice': {
    scoped: true,
    ok: 409, // under notice already
    request: (target) => ({ method: 'POST', path: `/api/v1/evaluation/nominations/${fixtures.nomination[target]}/notice` }),
  },
  'POST /api/v1/evaluation/nominations/{id}/objections': {
    scoped: false, // any account of the city, wherever its unit
    ok: 201,
    request: () => ({
      method: 'POST',
      path: `/api/v1/evaluation/nominations/${fixtures.nomination[units['A1']]}/objections`,
      body: { text: '矩阵异议' },
    }),
  },
  'POST /api/v1/evaluation/nominations/{id}/objections/{objectionId}/decision': {
    scoped: true,
    ok: [200, 409], // 409 once decided
    refusesByRelation: 'a bureau that does not review the nomination',
    request: (target) => ({
      method: 'POST',
      path: `/api/v1/evaluation/nominations/${fixtures.nomination[target]}/objections/${fixtures.objection[target]}/decision`,
      body: { outcome: 'dismissed', comment: '矩阵处理' },
    }),
  },
  'POST /api/v1/evaluation/nominations/{id}/publish': {
    scoped: true,
    ok: 409, // the notice runs
    request: (target) => ({ method: 'POST', path: `/api/v1/evaluation/nominations/${fixtures.nomination[target]}/publish` }),
  },
  // 督促检查 inspections: each unit's inspection and rectification (made below).
  'POST /api/v1/evaluation/inspections': {
    scoped: true,
    ok: 201,
    request: (target) => ({ method: 'POST', path: '/api/v1/evaluation/inspections', body: inspectionBody(target) }),
  },
  'GET /api/v1/evaluation/inspections/{id}': {
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/evaluation/inspections/${fixtures.inspection[target]}` }),
  },
  'POST /api/v1/evaluation/inspections/{id}/findings': {
    scoped: true,
    ok: 200,
    request: (target) => ({
      method: 'POST',
      path: `/api/v1/evaluation/inspections/${fixtures.inspection[target]}/findings`,
      body: { item: fixtures.sampled[target], finding: '矩阵发现' },
    }),
  },
  'GET /api/v1/evaluation/rectifications/{id}': {
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/evaluation/rectifications/${fixtures.rectification[target]}` }),
  },
  'POST /api/v1/evaluation/rectifications/{id}/evidence': {
    scoped: true,
    ok: [200, 409], // 409 once submitted
    request: (target) => ({
      method: 'POST',
      path: `/api/v1/evaluation/rectifications/${fixtures.rectification[target]}/evidence`,
      body: { text: '矩阵整改' },
    }),
  },
  'POST /api/v1/evaluation/rectifications/{id}/decision': {
    scoped: true,
    ok: [200, 409], // 409 while nothing is submitted
    request: (target) => ({
      method: 'POST',
      path: `/api/v1/evaluation/rectifications/${fixtures.rectification[target]}/decision`,
      body: { decision: 'accept', comment: '矩阵验收' },
    }),
  },
  'GET /api/v1/reporting/compliance': {
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/reporting/compliance?unit=${target}&from=${PERIOD}` }),
  },
  'GET /api/v1/reporting/compliance/breakdown': {
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/reporting/compliance/breakdown?unit=${target}&from=${PERIOD}` }),
  },
  'GET /api/v1/reporting/compliance/breakdown.csv': {
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/reporting/compliance/breakdown.csv?unit=${target}&from=${PERIOD}` }),
  },
  'GET /api/v1/reporting/missing': {
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/reporting/missing?unit=${target}&period=${PERIOD}` }),
  },

  // Notifications (issue 7): every role at the route; the service scopes each to the caller (its own
  // inbox, preferences, endpoints; the delivery log of its subtree or of what it was sent). There is no
  // unit to aim at, and a notice, endpoint or delivery that is not the caller's answers 404.
  'GET /api/v1/notifications/inbox': {
    scoped: false,
    ok: 200,
    request: () => ({ method: 'GET', path: '/api/v1/notifications/inbox' }),
  },
  'GET /api/v1/notifications/inbox/unread-count': {
    scoped: false,
    ok: 200,
    request: () => ({ method: 'GET', path: '/api/v1/notifications/inbox/unread-count' }),
  },
  'POST /api/v1/notifications/inbox/read-all': {
    scoped: false,
    ok: [200, 204],
    request: () => ({ method: 'POST', path: '/api/v1/notifications/inbox/read-all', body: {} }),
  },
  'GET /api/v1/notifications/inbox/{id}': {
    scoped: false,
    ok: 404,
    request: () => ({ method: 'GET', path: `/api/v1/notifications/inbox/${uniqueId('n')}` }),
  },
  'POST /api/v1/notifications/inbox/{id}/read': {
    scoped: false,
    ok: 404,
    request: () => ({ method: 'POST', path: `/api/v1/notifications/inbox/${uniqueId('n')}/read`, body: {} }),
  },
  'POST /api/v1/notifications/inbox/{id}/archive': {
    scoped: false,
    ok: 404,
    request: () => ({ method: 'POST', path: `/api/v1/notifications/inbox/${uniqueId('n')}/archive`, body: {} }),
  },
  'GET /api/v1/notifications/categories': {
    scoped: false,
    ok: 200,
    request: () => ({ method: 'GET', path: '/api/v1/notifications/categories' }),
  },
  'GET /api/v1/notifications/preferences/{scope}': {
    scoped: false,
    ok: 200,
    request: () => ({ method: 'GET', path: '/api/v1/notifications/preferences/account' }),
  },
  'PUT /api/v1/notifications/preferences/{scope}': {
    scoped: false,
    ok: 200,
    request: () => ({ method: 'PUT', path: '/api/v1/notifications/preferences/account', body: { locale: 'zh-Hans' } }),
  },
  'GET /api/v1/notifications/endpoints': {
    scoped: false,
    ok: 200,
    request: () => ({ method: 'GET', path: '/api/v1/notifications/endpoints' }),
  },
  'POST /api/v1/notifications/endpoints': {
    scoped: false,
    ok: [201, 400, 422], // the endpoint's own rules (address forms) decide
    request: () => ({
      method: 'POST',
      path: '/api/v1/notifications/endpoints',
      body: { owner: 'account', channel: 'email', address: 'matrix@example.test' },
    }),
  },
  'DELETE /api/v1/notifications/endpoints/{id}': {
    scoped: false,
    ok: 404,
    request: () => ({ method: 'DELETE', path: `/api/v1/notifications/endpoints/em_${uniqueId('x')}` }),
  },
  'GET /api/v1/notifications/delivery-log': {
    scoped: false,
    ok: 200,
    request: () => ({ method: 'GET', path: '/api/v1/notifications/delivery-log' }),
  },
  'GET /api/v1/notifications/deliveries/{id}': {
    scoped: false,
    ok: 404,
    request: () => ({ method: 'GET', path: `/api/v1/notifications/deliveries/${uniqueId('d')}` }),
  },

  // The AsyncAPI document of the analysts' topics: public.
  'GET /asyncapi': { scoped: false, ok: 200, request: () => ({ method: 'GET', path: '/asyncapi' }) },
  'GET /asyncapi.json': { scoped: false, ok: 200, request: () => ({ method: 'GET', path: '/asyncapi.json' }) },
  'GET /asyncapi.html': { scoped: false, ok: 200, request: () => ({ method: 'GET', path: '/asyncapi.html' }) },
  // --- training (docs/adr/0019): teachers live at schools, like members ---
  'POST /api/v1/training/schools/{id}/teachers': {
    scoped: true,
    ok: 201,
    request: (target) => ({ method: 'POST', path: `/api/v1/training/schools/${schoolOf(target)}/teachers`, body: teacherBody() }),
  },
  'GET /api/v1/training/schools/{id}/teachers': {
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/training/schools/${schoolOf(target)}/teachers` }),
  },
  'GET /api/v1/training/teachers/{id}': {
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/training/teachers/${fixtures.teacher[schoolOf(target)]}` }),
  },
  'PATCH /api/v1/training/teachers/{id}': {
    scoped: true,
    ok: 200,
    request: (target) => ({
      method: 'PATCH',
      path: `/api/v1/training/teachers/${fixtures.teacher[schoolOf(target)]}`,
      body: { subject: '数学' },
      headers: { 'if-match': '*' },
    }),
  },
  'POST /api/v1/training/programmes': {
    scoped: true,
    ok: 201,
    request: (target) => ({ method: 'POST', path: '/api/v1/training/programmes', body: programmeBody(schoolOf(target)) }),
  },
  'GET /api/v1/training/programmes': {
    scoped: false,
    ok: 200,
    request: () => ({ method: 'GET', path: '/api/v1/training/programmes?year=2027' }),
  },
  'GET /api/v1/training/programmes/{id}': {
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/training/programmes/${fixtures.programme[schoolOf(target)]}` }),
  },
  'POST /api/v1/training/programmes/{id}/sessions': {
    scoped: true,
    ok: 201,
    request: (target) => ({
      method: 'POST',
      path: `/api/v1/training/programmes/${fixtures.programme[schoolOf(target)]}/sessions`,
      body: { date: freshSessionDate(), hours: 2 },
    }),
  },
  'POST /api/v1/training/programmes/{id}/enrolments': {
    scoped: true,
    ok: 201,
    request: async (target) => {
      const school = schoolOf(target);
      const teacherId = await made(school, `/api/v1/training/schools/${school}/teachers`, teacherBody());
      return { method: 'POST', path: `/api/v1/training/programmes/${fixtures.programme[school]}/enrolments`, body: { teacherId } };
    },
  },
  'GET /api/v1/training/programmes/{id}/enrolments': {
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/training/programmes/${fixtures.programme[schoolOf(target)]}/enrolments` }),
  },
  'POST /api/v1/training/programmes/{id}/attendance': {
    scoped: true,
    ok: 200,
    request: (target) => ({
      method: 'POST',
      path: `/api/v1/training/programmes/${fixtures.programme[schoolOf(target)]}/attendance`,
      body: { sessionId: '2027-03-01', teacherId: fixtures.teacher[schoolOf(target)] },
    }),
  },
  'POST /api/v1/training/programmes/{id}/assessments': {
    scoped: true,
    ok: 200,
    request: (target) => ({
      method: 'POST',
      path: `/api/v1/training/programmes/${fixtures.programme[schoolOf(target)]}/assessments`,
      body: { teacherId: fixtures.teacher[schoolOf(target)], result: 'passed' },
    }),
  },
  'POST /api/v1/training/programmes/{id}/certifications': {
    scoped: true,
    ok: 200,
    request: async (target) => ({
      method: 'POST',
      path: `/api/v1/training/programmes/${fixtures.programme[schoolOf(target)]}/certifications`,
      body: { teacherId: await freshEnrolledTeacher(target), reason: '矩阵测试特批' },
    }),
  },
  'GET /api/v1/training/totals': {
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/training/totals?unit=${target}&year=2027` }),
  },
  'GET /api/v1/training/teachers/{id}/totals': {
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/training/teachers/${fixtures.teacher[schoolOf(target)]}/totals?year=2027` }),
  },
  // --- cadre development (docs/adr/0021): people live at schools, like teachers ---
  'GET /api/v1/org-units/{id}/reserve-cadres': {
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/org-units/${schoolOf(target)}/reserve-cadres` }),
  },
  'POST /api/v1/org-units/{id}/reserve-cadres': {
    scoped: true,
    ok: 201,
    request: async (target) => ({
      method: 'POST',
      path: `/api/v1/org-units/${schoolOf(target)}/reserve-cadres`,
      body: { teacherId: await freshTeacher(schoolOf(target)) },
    }),
  },
  'DELETE /api/v1/org-units/{id}/reserve-cadres/{teacherId}': {
    scoped: true,
    ok: 204,
    request: async (target) => ({
      method: 'DELETE',
      path: `/api/v1/org-units/${schoolOf(target)}/reserve-cadres/${await freshReserveCadre(target)}`,
    }),
  },
  'GET /api/v1/org-units/{id}/leadership-team': {
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/org-units/${schoolOf(target)}/leadership-team` }),
  },
  'PUT /api/v1/org-units/{id}/leadership-team': {
    scoped: true,
    ok: 200,
    request: (target) => ({
      method: 'PUT',
      path: `/api/v1/org-units/${schoolOf(target)}/leadership-team`,
      body: { members: [{ teacherId: fixtures.teacher[schoolOf(target)], post: '校长' }] },
    }),
  },
  'GET /api/v1/org-units/{id}/leadership-team/age-tiers': {
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/org-units/${schoolOf(target)}/leadership-team/age-tiers` }),
  },
  'GET /api/v1/cadres/age-tiers': {
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/cadres/age-tiers?unit=${target}` }),
  },
  'GET /api/v1/cadres/assignments': {
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/cadres/assignments?unit=${target}` }),
  },
  'POST /api/v1/secondments': {
    scoped: true,
    ok: 201,
    request: async (target) => ({
      method: 'POST',
      path: '/api/v1/secondments',
      body: {
        teacherId: await freshTeacher(schoolOf(target)),
        kind: 'bureau',
        hostUnitId: cityBureauOf(schoolOf(target)),
        startsOn: later(1),
        endsOn: later(30),
      },
    }),
  },
  'GET /api/v1/secondments/{id}': {
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/secondments/${fixtures.secondment[schoolOf(target)]}` }),
  },
  'POST /api/v1/secondments/{id}/end': {
    scoped: true,
    ok: 200,
    request: async (target) => ({
      method: 'POST',
      path: `/api/v1/secondments/${await freshAssignment(target, 'secondment')}/end`,
      body: EVALUATION,
    }),
  },
  'POST /api/v1/teaching-supports': {
    scoped: true,
    ok: 201,
    request: async (target) => ({
      method: 'POST',
      path: '/api/v1/teaching-supports',
      body: {
        teacherId: await freshTeacher(schoolOf(target)),
        hostUnitId: hostSchoolOf(schoolOf(target)),
        term: '2026-2027-1',
        startsOn: later(1),
        endsOn: later(30),
      },
    }),
  },
  'GET /api/v1/teaching-supports/{id}': {
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/teaching-supports/${fixtures.teachingSupport[schoolOf(target)]}` }),
  },
  'POST /api/v1/teaching-supports/{id}/end': {
    scoped: true,
    ok: 200,
    request: async (target) => ({
      method: 'POST',
      path: `/api/v1/teaching-supports/${await freshAssignment(target, 'teaching-support')}/end`,
      body: EVALUATION,
    }),
  },
  // --- training imports (docs/adr/0020): a school's files and jobs, like its teachers ---
  'POST /api/v1/training/schools/{id}/imports/{kind}': {
    scoped: true,
    ok: 202,
    request: (target) => ({
      method: 'POST',
      path: `/api/v1/training/schools/${schoolOf(target)}/imports/attendance`,
      file: attendanceFile(schoolOf(target)),
    }),
  },
  'GET /api/v1/training/imports/{id}': {
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/training/imports/${fixtures.importJob[schoolOf(target)]}` }),
  },
  'GET /api/v1/training/imports/{id}/errors': {
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/training/imports/${fixtures.importJob[schoolOf(target)]}/errors` }),
  },
};

/** The table, keyed as the document names its operations: `GET /api/v1/org-units/{id}`. */
const TABLE: [string, RouteSpec][] = Object.values(Routes).map((r: RouteSpec) => [`${r.method} ${r.path}`, r]);

/** What a cell may answer: the route's in-scope answer, 403 for a role it does not admit, 404 outside the subtree. */
function expected(spec: RouteSpec, rule: RouteRule, caller: CallerSpec, relation: Relation | null): number[] {
  const ok = Array.isArray(rule.ok) ? rule.ok : [rule.ok];
  if (spec.roles === 'public') return ok;
  if (!spec.roles.includes(caller.role)) return [403];
  if (caller.viaKey && rule.refusesKeys) return [403];
  if (!rule.scoped || relation === 'own' || relation === 'child') return rule.refusesByRelation ? [...ok, 403] : ok;
  return [404];
}

/** The callers, by the fixture's unit names; their credentials are made in beforeAll. */
interface CallerSpec {
  name: string;
  role: Role;
  unitName: 'C' | 'A' | 'A1';
  viaKey?: boolean;
}
const CALLERS: CallerSpec[] = [
  { name: 'city-admin@C', role: 'city-admin', unitName: 'C' },
  { name: 'county-admin@A', role: 'county-admin', unitName: 'A' },
  { name: 'school-secretary@A1', role: 'school-secretary', unitName: 'A1' },
  { name: 'inspector@A', role: 'inspector', unitName: 'A' },
  { name: 'analyst@C', role: 'analyst', unitName: 'C' },
  { name: 'api-key(school-secretary)@A1', role: 'school-secretary', unitName: 'A1', viaKey: true },
];
/** Each caller unit's unit in each relation (absent where the tree has none: the city has no parent). */
const RELATED: Record<CallerSpec['unitName'], Partial<Record<Relation, string>>> = {
  C: { own: 'C', child: 'A', foreign: 'F1' },
  A: { own: 'A', parent: 'C', child: 'A1', sibling: 'B', foreign: 'F1' },
  A1: { own: 'A1', parent: 'A', sibling: 'A2', foreign: 'F1' },
};

/** The cells of one route: every caller, and every relation it has when the route is about a unit. */
function cellsOf(key: string, spec: RouteSpec): [string, CallerSpec, Relation | null][] {
  const rule = RECIPES[key];
  if (!rule || spec.roles === 'public') return [];
  return CALLERS.flatMap((c) =>
    (rule.scoped ? RELATIONS.filter((r) => RELATED[c.unitName][r]) : [null]).map(
      (relation) => [`${key} · ${c.name} · ${relation ?? 'any unit'}`, c, relation] as [string, CallerSpec, Relation | null],
    ),
  );
}

describe('access matrix: every caller x every route of the table x own / parent / child / sibling / foreign unit', () => {
  const callers: Record<string, Caller> = {};
  beforeAll(async () => {
    const run = e2e.run;
    const C = e2e.admin.orgUnitId;
    Object.assign(units, {
      C,
      A: unitKey(run, 'a'),
      B: unitKey(run, 'b'),
      A1: unitKey(run, 'a1'),
      A2: unitKey(run, 'a2'),
      B1: unitKey(run, 'b1'),
      D: unitKey(run, 'd'),
    });
    Object.assign(units, { F: unitKey(run, 'f'), F1: unitKey(run, 'f1') });
    // The city administrator logs in for real: the bootstrap account of this run's city.
    cityAdminToken = (await login(e2e.admin.username, e2e.admin.password)).accessToken;
    foreignAdminToken = await tokenFor(units['F'], ['city-admin']);
    await createUnits(cityAdminToken, [
      [units['C'], 'city-bureau', null],
      [units['A'], 'county-bureau', units['C']],
      [units['B'], 'county-bureau', units['C']],
      [units['A1'], 'school', units['A']],
      [units['A2'], 'school', units['A']],
      [units['B1'], 'school', units['B']],
      [units['D'], 'school', units['C']],
    ]);
    await createUnits(foreignAdminToken, [
      [units['F'], 'city-bureau', null],
      [units['F1'], 'school', units['F']],
    ]);

    // A standing account at every unit (the target of account reads and changes).
    for (const [name, unit] of Object.entries(units)) {
      const token = name.startsWith('F') ? foreignAdminToken : cityAdminToken;
      const res = await api('POST', '/api/v1/accounts', {
        token,
        body: {
          username: uniqueId(`v-${name.toLowerCase()}`),
          displayName: `账号 ${name}`,
          orgUnitId: unit,
          roles: ['inspector'],
          password: 'victim-password-1',
        },
      });
      if (res.status !== 201) throw new Error(`fixture account at ${name}: ${res.status} ${JSON.stringify(res.body)}`);
      victims[unit] = res.body['id'] as string;
    }

    // The registry's school-level fixtures: a branch, a member of it and a contact point at each school.
    for (const name of ['A1', 'A2', 'B1', 'D', 'F1']) {
      const school = units[name];
      fixtures.partyOrg[school] = await made(school, '/api/v1/party-orgs', partyOrgBody(school));
      fixtures.member[school] = await made(school, `/api/v1/party-orgs/${fixtures.partyOrg[school]}/members`, memberBody());
      fixtures.contactPoint[school] = await made(school, '/api/v1/contact-points', contactPointBody(school));
    }

    // Reporting: a party organisation per unit (supervised by the parent bureau, one reviewer), put
    // into reporting's read model as org-registry's party-organisation events will once they exist,
    // and each one's report of PERIOD saved as a draft by that unit's secretary.
    const client = await mongo();
    try {
      const parents: Record<string, string> = { A: 'C', B: 'C', A1: 'A', A2: 'A', B1: 'B', D: 'C', F1: 'F' };
      const pathOf = (name: string): string[] => (parents[name] ? [...pathOf(parents[name]), units[name]] : [units[name]]);
      const partyOrgs = Object.keys(units).map((name) => ({
        _id: partyOrgOf(units[name]) as never,
        unitId: units[name],
        unitPath: pathOf(name),
        supervisorId: units[parents[name] ?? name],
        routing: 'single',
        active: true,
        version: 1,
        lastEventId: uniqueId('seed'),
      }));
      // Evaluation keeps the same read model of party organisations (PartyOrgDirectory) in its own database.
      for (const service of ['reporting', 'evaluation']) await client.db(dbOf(service)).collection('party_orgs').insertMany(partyOrgs);
    } finally {
      await client.close();
    }
    for (const unit of Object.values(units)) {
      await eventually(
        `reporting to know ${unit}`,
        async () => {
          const secretary = await tokenFor(unit, ['school-secretary']);
          const res = await api('PUT', `${report(unit)}/draft`, { token: secretary, body: CONTENT });
          const known = await api('GET', `/api/v1/reporting/compliance?unit=${unit}&from=${PERIOD}`, { token: secretary });
          const evaluated = await api('GET', `/api/v1/evaluation/score-table?kind=five-goods&year=${EVAL_YEAR}&unit=${unit}`, {
            token: secretary,
          });
          return res.status === 200 && known.status === 200 && evaluated.status === 200 ? true : null;
        },
        180_000,
      );
    }

    // 评比: quotas in both cities, then a nomination of every unit, approved, under notice, with one objection.
    for (const [token, groups] of [
      [cityAdminToken, ['C', 'A', 'B']],
      [foreignAdminToken, ['F']],
    ] as const) {
      const quotas = groups.map((g) => ({ groupId: units[g], quota: 1000 }));
      const res = await api('PUT', `${SELECTION}/quotas`, { token, body: { quotas, noticeWorkingDays: 5 } });
      if (res.status !== 200) throw new Error(`fixture quotas: ${res.status} ${JSON.stringify(res.body)}`);
    }
    for (const unit of Object.values(units)) {
      const id = await made(unit, `${SELECTION}/nominations`, nominationBody(unit));
      fixtures.nomination[unit] = id;
      for (const [step, body] of [
        ['review', { decision: 'approve' }],
        ['notice', undefined],
        ['objections', { text: '矩阵异议' }],
      ] as const) {
        const res = await api('POST', `/api/v1/evaluation/nominations/${id}/${step}`, { token: ownerOf(unit), ...(body ? { body } : {}) });
        if (res.status >= 300) throw new Error(`fixture nomination ${step} at ${unit}: ${res.status} ${JSON.stringify(res.body)}`);
        if (step === 'objections') fixtures.objection[unit] = (res.body['objections'] as { id: string }[])[0].id;
      }
    }

    // Training: a teacher at each school, once training's org-unit read model knows the school.
    for (const name of ['A1', 'A2', 'B1', 'D', 'F1']) {
      const school = units[name];
      fixtures.teacher[school] = await eventually(
        `training to know ${school}`,
        async () => {
          const res = await api('POST', `/api/v1/training/schools/${school}/teachers`, { token: ownerOf(school), body: teacherBody() });
          return res.status === 201 ? (res.body['id'] as string) : null;
        },
        180_000,
      );
      fixtures.programme[school] = await made(school, '/api/v1/training/programmes', programmeBody(school));
      await made(school, `/api/v1/training/programmes/${fixtures.programme[school]}/sessions`, { date: '2027-03-01', hours: 4 });
      await made(school, `/api/v1/training/programmes/${fixtures.programme[school]}/enrolments`, { teacherId: fixtures.teacher[school] });
      const job = await api('POST', `/api/v1/training/schools/${school}/imports/attendance`, {
        token: ownerOf(school),
        file: attendanceFile(school),
      });
      if (job.status !== 202) throw new Error(`fixture import at ${school}: ${job.status} ${JSON.stringify(job.body)}`);
      fixtures.importJob[school] = job.body['id'] as string;
    }

    // Cadre development: a school of the foreign city to host F1's teaching support, then a
    // secondment and a teaching support of a fresh teacher at each school.
    fixtures.foreignHost = await freshUnit(units['F']);
    await eventually(
      `training to know ${fixtures.foreignHost}`,
      async () =>
        (await api('GET', `/api/v1/org-units/${fixtures.foreignHost}/leadership-team`, { token: foreignAdminToken })).status === 200,
      180_000,
    );
    for (const name of ['A1', 'A2', 'B1', 'D', 'F1']) {
      const school = units[name];
      fixtures.secondment[school] = await freshAssignment(school, 'secondment');
      fixtures.teachingSupport[school] = await freshAssignment(school, 'teaching-support');
    }

    // 督促检查: an inspection of every unit's subtree, and a rectification the unit owes (due far ahead).
    for (const unit of Object.values(units)) {
      const res = await api('POST', '/api/v1/evaluation/inspections', { token: ownerOf(unit), body: inspectionBody(unit) });
      if (res.status !== 201) throw new Error(`fixture inspection at ${unit}: ${res.status} ${JSON.stringify(res.body)}`);
      fixtures.inspection[unit] = res.body['id'] as string;
      fixtures.sampled[unit] = (res.body['sample'] as { items: string[] }).items[0];
      const found = await api('POST', `/api/v1/evaluation/inspections/${fixtures.inspection[unit]}/findings`, {
        token: ownerOf(unit),
        body: {
          item: fixtures.sampled[unit],
          finding: '矩阵整改事项',
          rectification: { deadline: '2099-12-31', responsibleUnitId: unit },
        },
      });
      if (found.status !== 200) throw new Error(`fixture finding at ${unit}: ${found.status} ${JSON.stringify(found.body)}`);
      fixtures.rectification[unit] = (found.body['findings'] as { rectificationId: string }[])[0].rectificationId;
    }

    // The callers: each role at a unit where it belongs, logged in with a real password; and a school system's API key.
    callers['city-admin@C'] = {
      name: 'city-admin@C',
      role: 'city-admin',
      unit: units['C'],
      headers: { authorization: `Bearer ${cityAdminToken}` },
    };
    for (const spec of CALLERS.filter((c) => c.name !== 'city-admin@C' && !c.viaKey)) {
      const username = uniqueId(spec.role);
      const unit = units[spec.unitName];
      const made = await api('POST', '/api/v1/accounts', {
        token: cityAdminToken,
        body: { username, displayName: spec.name, orgUnitId: unit, roles: [spec.role], password: 'caller-password-1' },
      });
      if (made.status !== 201) throw new Error(`caller ${spec.name}: ${made.status}`);
      const { accessToken } = await login(username, 'caller-password-1');
      callers[spec.name] = { name: spec.name, role: spec.role, unit, headers: { authorization: `Bearer ${accessToken}` } };
    }
    const key = await api('POST', '/api/v1/api-keys', { token: cityAdminToken, body: { name: 'school system', orgUnitId: units['A1'] } });
    callers['api-key(school-secretary)@A1'] = {
      name: 'api-key(school-secretary)@A1',
      role: 'school-secretary',
      unit: units['A1'],
      viaKey: true,
      headers: { 'x-api-key': key.body['key'] as string },
    };
  }, 300_000);

  it.each(TABLE.map(([key]) => key))('%s has a recipe that aims it at a unit', (key) => {
    expect(RECIPES[key]).toBeDefined();
  });

  it('expects no 403 of a role the table admits, except where the owner decides by relation to the object', () => {
    expect(Object.keys(RECIPES).filter((k) => [RECIPES[k].ok].flat().includes(403))).toEqual([]);
    expect(Object.keys(RECIPES).filter((k) => RECIPES[k].refusesByRelation)).toEqual([
      'PUT /api/v1/org-units/{id}/milestone-rules',
      'POST /api/v1/reports/{partyOrgId}/{periodId}/reviews',
      'POST /api/v1/reports/{partyOrgId}/{periodId}/lock-exceptions',
      'POST /api/v1/evaluation/assessments/{kind}/{year}/{partyOrgId}/return',
      'PUT /api/v1/evaluation/assessments/{kind}/{year}/{partyOrgId}/bureau-scores',
      'POST /api/v1/evaluation/nominations/{id}/review',
      'POST /api/v1/evaluation/nominations/{id}/objections/{objectionId}/decision',
    ]);
  });

  it('aims at no route the table does not have', () => {
    expect(Object.keys(RECIPES).filter((k) => !TABLE.some(([key]) => key === k))).toEqual([]);
  });

  it('serves in the OpenAPI document exactly the routes of the table, with their roles', async () => {
    const doc = (await (await fetch(`${e2e.gateway}/docs/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { 'x-roles'?: Role[]; 'x-public'?: boolean }>>;
    };
    const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => [
        `${method.toUpperCase()} ${path}`,
        op['x-public'] ? 'public' : [...(op['x-roles'] ?? [])].sort().join(','),
      ]),
    );
    const table = TABLE.map(([key, spec]) => [key, spec.roles === 'public' ? 'public' : [...spec.roles].sort().join(',')]);
    expect(Object.fromEntries(documented)).toEqual(Object.fromEntries(table));
  });

  describe.each(TABLE.filter(([key, spec]) => cellsOf(key, spec).length > 0))('%s', (key, spec) => {
    it.each(cellsOf(key, spec))('%s', async (_cell, who, relation) => {
      const rule = RECIPES[key];
      const caller = callers[who.name];
      const target = units[relation ? RELATED[who.unitName][relation]! : who.unitName];
      const req = await rule.request(target, caller);
      const res = await api(req.method, req.path, {
        headers: { ...caller.headers, ...req.headers },
        ...(req.body !== undefined ? { body: req.body } : {}),
        ...(req.file ? { file: req.file } : {}),
      });
      // The answer must be one this cell allows (the cell is the test's name).
      expect(expected(spec, rule, who, relation)).toContain(res.status);
    });
  });

  it.each(TABLE.filter(([key]) => RECIPES[key]))('lets no one in without credentials: %s', async (key, spec) => {
    const rule = RECIPES[key];
    const req = await rule.request(units['A1'], callers['city-admin@C']);
    const res = await api(req.method, req.path, {
      ...(req.body !== undefined ? { body: req.body } : {}),
      ...(req.file ? { file: req.file } : {}),
      headers: req.headers ?? {},
    });
    expect(spec.roles === 'public' ? [rule.ok].flat() : [401]).toContain(res.status);
  });
});

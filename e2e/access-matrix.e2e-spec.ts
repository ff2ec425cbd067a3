import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Role } from '@pb/platform';
import { api, createUnits, dbOf, e2e, eventually, login, mongo, tokenFor, uniqueId } from './support/env.js';

// The access matrix (ARCHITECTURE.md §7): every caller kind x every route of the gateway's OpenAPI
// document x the caller's own / parent / child / sibling / a foreign org unit. Each cell has one
// expected answer; a cell that reads or changes what it must not fails, and so does a route the
// document lists that the table below does not know (new routes join the matrix or fail it).
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
  headers?: Record<string, string>;
}

interface RouteRule {
  /** Roles the route admits (others get 403); `public` routes need no credentials. */
  roles: Role[] | 'public';
  /** Whether the route is about an org unit (then each relation is a cell), and how to aim it at one. */
  scoped: boolean;
  /** The answer of an admitted, in-scope cell; several where the owner's business rules decide (window, reviewer). */
  ok: number | number[];
  /** API keys are refused even with an admitted role (keys cannot manage keys). */
  refusesKeys?: boolean;
  request: (target: string, caller: Caller) => Promise<Request> | Request;
}

const ALL: Role[] = ['city-admin', 'county-admin', 'school-secretary', 'inspector', 'analyst'];
const ADMINS: Role[] = ['city-admin', 'county-admin'];

const unitKey = (...parts: string[]) => parts.join('-');
/** A period far enough ahead that its reports are open for drafts and not yet for submission (422). */
const PERIOD = `${new Date().getUTCFullYear() + 1}-03-H1`;
const partyOrgOf = (unit: string) => `po-${unit}`;
const report = (unit: string) => `/api/v1/reports/${partyOrgOf(unit)}/${PERIOD}`;
const CONTENT = { content: { freeText: '矩阵测试记实' } };
/** Today in the city's time zone: the registry's dates (opening, closing) are city dates. */
const TODAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
const READERS: Role[] = ['city-admin', 'county-admin', 'school-secretary', 'inspector'];
const WRITERS: Role[] = ['city-admin', 'county-admin', 'school-secretary'];

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
const freshContactPoint = (unit: string) => made(schoolOf(unit), '/api/v1/contact-points', contactPointBody(schoolOf(unit)));
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

const ROUTES: Record<string, RouteRule> = {
  'POST /api/v1/auth/login': {
    roles: 'public',
    scoped: false,
    ok: 401,
    request: () => ({ method: 'POST', path: '/api/v1/auth/login', body: { username: uniqueId('nobody'), password: 'wrong-password' } }),
  },
  'POST /api/v1/auth/refresh': {
    roles: 'public',
    scoped: false,
    ok: 401,
    request: () => ({ method: 'POST', path: '/api/v1/auth/refresh', body: { refreshToken: 'pbr_not-a-token' } }),
  },
  'POST /api/v1/auth/logout': {
    roles: ALL,
    scoped: false,
    ok: 204,
    request: () => ({ method: 'POST', path: '/api/v1/auth/logout', body: { refreshToken: 'pbr_not-a-token' } }),
  },
  'GET /api/v1/accounts/me': { roles: ALL, scoped: false, ok: 200, request: () => ({ method: 'GET', path: '/api/v1/accounts/me' }) },
  'POST /api/v1/accounts': {
    roles: ADMINS,
    scoped: true,
    ok: 201,
    request: (target) => ({
      method: 'POST',
      path: '/api/v1/accounts',
      body: { username: uniqueId('m'), displayName: '矩阵', orgUnitId: target, roles: ['inspector'], password: 'matrix-password-1' },
    }),
  },
  'GET /api/v1/accounts': {
    roles: ADMINS,
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/accounts?unit=${target}` }),
  },
  'GET /api/v1/accounts/{id}': {
    roles: ADMINS,
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/accounts/${victims[target]}` }),
  },
  'PATCH /api/v1/accounts/{id}': {
    roles: ADMINS,
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
    roles: ['city-admin', 'county-admin', 'school-secretary'],
    scoped: true,
    ok: 201,
    refusesKeys: true,
    request: (target) => ({ method: 'POST', path: '/api/v1/api-keys', body: { name: 'matrix', orgUnitId: target } }),
  },
  'GET /api/v1/api-keys': {
    roles: ['city-admin', 'county-admin', 'school-secretary'],
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/api-keys?unit=${target}` }),
  },
  'DELETE /api/v1/api-keys/{id}': {
    roles: ['city-admin', 'county-admin', 'school-secretary'],
    scoped: true,
    ok: 204,
    refusesKeys: true,
    request: async (target) => ({ method: 'DELETE', path: `/api/v1/api-keys/${await freshKey(target)}` }),
  },
  'GET /api/v1/audit': {
    roles: ['city-admin', 'county-admin', 'inspector'],
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/audit?unit=${target}` }),
  },
  'POST /api/v1/org-units': {
    roles: ADMINS,
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
    roles: ALL,
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/org-units/${target}` }),
  },

  // The org registry (issue 4): the tree, party organisations, members (personal data), rules, contact points.
  'POST /api/v1/org-units/batch': {
    roles: ADMINS,
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
    roles: ALL,
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/org-units/${target}/children` }),
  },
  'GET /api/v1/org-units/{id}/subtree': {
    roles: ALL,
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/org-units/${target}/subtree` }),
  },
  'GET /api/v1/org-units/{id}/history': {
    roles: ALL,
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/org-units/${target}/history` }),
  },
  'PATCH /api/v1/org-units/{id}': {
    roles: ADMINS,
    scoped: true,
    ok: 200,
    request: async (target) => ({ method: 'PATCH', path: `/api/v1/org-units/${await freshUnit(target)}`, body: { name: '已更名单位' } }),
  },
  'POST /api/v1/org-units/{id}/move': {
    roles: ADMINS,
    scoped: true,
    ok: [200, 409, 422], // the tree's rules decide in scope; outside it nothing is reachable
    request: async (target, caller) => ({
      method: 'POST',
      path: `/api/v1/org-units/${await freshUnit(target)}/move`,
      body: { parentId: caller.unit },
    }),
  },
  'POST /api/v1/org-units/{id}/close': {
    roles: ADMINS,
    scoped: true,
    ok: 200,
    request: async (target) => ({ method: 'POST', path: `/api/v1/org-units/${await freshUnit(target)}/close`, body: { closedOn: TODAY } }),
  },
  'GET /api/v1/org-units/{id}/party-orgs': {
    roles: ALL,
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/org-units/${schoolOf(target)}/party-orgs` }),
  },
  'POST /api/v1/party-orgs': {
    roles: ADMINS,
    scoped: true,
    ok: 201,
    request: (target) => ({ method: 'POST', path: '/api/v1/party-orgs', body: partyOrgBody(schoolOf(target)) }),
  },
  'GET /api/v1/party-orgs/{id}': {
    roles: ALL,
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/party-orgs/${fixtures.partyOrg[schoolOf(target)]}` }),
  },
  'PATCH /api/v1/party-orgs/{id}': {
    roles: WRITERS,
    scoped: true,
    ok: 200,
    request: (target) => ({
      method: 'PATCH',
      path: `/api/v1/party-orgs/${fixtures.partyOrg[schoolOf(target)]}`,
      body: { name: '矩阵党支部（改）' },
    }),
  },
  'PUT /api/v1/party-orgs/{id}/affiliation': {
    roles: ADMINS,
    scoped: true,
    ok: [200, 409, 422], // which bureau may supervise is the registry's rule
    request: async (target, caller) => ({
      method: 'PUT',
      path: `/api/v1/party-orgs/${await freshPartyOrg(target)}/affiliation`,
      body: { supervisorId: caller.unit, routing: 'single' },
    }),
  },
  'POST /api/v1/party-orgs/{id}/close': {
    roles: ADMINS,
    scoped: true,
    ok: 200,
    request: async (target) => ({
      method: 'POST',
      path: `/api/v1/party-orgs/${await freshPartyOrg(target)}/close`,
      body: { closedOn: TODAY },
    }),
  },
  'GET /api/v1/party-orgs/{id}/members': {
    roles: READERS,
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/party-orgs/${fixtures.partyOrg[schoolOf(target)]}/members` }),
  },
  'POST /api/v1/party-orgs/{id}/members': {
    roles: WRITERS,
    scoped: true,
    ok: 201,
    request: (target) => ({
      method: 'POST',
      path: `/api/v1/party-orgs/${fixtures.partyOrg[schoolOf(target)]}/members`,
      body: memberBody(),
    }),
  },
  'GET /api/v1/members/flagged': {
    roles: ['city-admin', 'county-admin', 'inspector'],
    scoped: false,
    ok: 200,
    request: () => ({ method: 'GET', path: '/api/v1/members/flagged' }),
  },
  'GET /api/v1/members/{id}': {
    roles: READERS,
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/members/${fixtures.member[schoolOf(target)]}` }),
  },
  'POST /api/v1/members/{id}/milestones': {
    roles: WRITERS,
    scoped: true,
    ok: [200, 409, 422], // the milestone rules decide in scope
    request: (target) => ({
      method: 'POST',
      path: `/api/v1/members/${fixtures.member[schoolOf(target)]}/milestones`,
      body: { kind: 'activist', date: '2024-09-01' },
    }),
  },
  'POST /api/v1/members/{id}/transfer': {
    roles: WRITERS,
    scoped: true,
    ok: [200, 409, 422],
    request: async (target, caller) => ({
      method: 'POST',
      path: `/api/v1/members/${await freshMember(target)}/transfer`,
      body: { toPartyOrgId: fixtures.partyOrg[schoolOf(caller.unit)], date: TODAY },
    }),
  },
  'GET /api/v1/org-units/{id}/milestone-rules': {
    roles: ALL,
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/org-units/${target}/milestone-rules` }),
  },
  'PUT /api/v1/org-units/{id}/milestone-rules': {
    roles: ADMINS,
    scoped: true,
    ok: [200, 403, 409, 422], // a bureau sets its own rules; the registry decides for other units in scope
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
    roles: ALL,
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/org-units/${schoolOf(target)}/contact-points` }),
  },
  'POST /api/v1/contact-points': {
    roles: ADMINS,
    scoped: true,
    ok: [201, 422],
    request: (target, caller) => ({
      method: 'POST',
      path: '/api/v1/contact-points',
      body: contactPointBody(schoolOf(target), caller.unit),
    }),
  },
  'GET /api/v1/contact-points/{id}': {
    roles: ALL,
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/contact-points/${fixtures.contactPoint[schoolOf(target)]}` }),
  },
  'POST /api/v1/contact-points/{id}/visits': {
    roles: ALL,
    scoped: true,
    ok: [201, 403], // the linked cadre or a bureau administrator logs visits; other roles in scope get 403
    request: (target) => ({
      method: 'POST',
      path: `/api/v1/contact-points/${fixtures.contactPoint[schoolOf(target)]}/visits`,
      body: { date: '2025-06-01', purpose: '调研', outcome: '已完成' },
    }),
  },
  'POST /api/v1/contact-points/{id}/end': {
    roles: ADMINS,
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
    roles: ADMINS,
    scoped: false,
    ok: 200,
    request: () => ({ method: 'GET', path: '/api/v1/reports/review-queue' }),
  },
  'GET /api/v1/reports/{partyOrgId}/{periodId}': {
    roles: ['city-admin', 'county-admin', 'school-secretary', 'inspector'],
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: report(target) }),
  },
  'PUT /api/v1/reports/{partyOrgId}/{periodId}/draft': {
    roles: ['school-secretary'],
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'PUT', path: `${report(target)}/draft`, body: CONTENT }),
  },
  'POST /api/v1/reports/{partyOrgId}/{periodId}/submit': {
    roles: ['school-secretary'],
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
    roles: ADMINS,
    scoped: true,
    ok: [409, 403], // 409 not submitted yet (a reviewing bureau), 403 a bureau that does not review it
    request: (target) => ({ method: 'POST', path: `${report(target)}/reviews`, body: { decision: 'accept' } }),
  },
  'POST /api/v1/reports/{partyOrgId}/{periodId}/lock-exceptions': {
    roles: ADMINS,
    scoped: true,
    ok: [200, 403], // 403 for a bureau that does not review it
    request: (target) => ({
      method: 'POST',
      path: `${report(target)}/lock-exceptions`,
      body: { until: new Date(Date.now() + 86_400_000).toISOString(), reason: '矩阵' },
    }),
  },
  'GET /api/v1/reporting/calendar': {
    roles: ALL,
    scoped: false,
    ok: 200,
    request: () => ({ method: 'GET', path: '/api/v1/reporting/calendar' }),
  },
  'PUT /api/v1/reporting/calendar': {
    roles: ['city-admin'],
    scoped: false,
    ok: 200,
    request: async () => {
      const current = (await api('GET', '/api/v1/reporting/calendar', { token: cityAdminToken })).body;
      const { timeZone, h1DueDay, h2WindowDays, lockAfterDays, extensions } = current;
      return { method: 'PUT', path: '/api/v1/reporting/calendar', body: { timeZone, h1DueDay, h2WindowDays, lockAfterDays, extensions } };
    },
  },
  'GET /api/v1/reporting/compliance': {
    roles: ALL,
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/reporting/compliance?unit=${target}&from=${PERIOD}` }),
  },
  'GET /api/v1/reporting/compliance/breakdown': {
    roles: ALL,
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/reporting/compliance/breakdown?unit=${target}&from=${PERIOD}` }),
  },
  'GET /api/v1/reporting/compliance/breakdown.csv': {
    roles: ALL,
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/reporting/compliance/breakdown.csv?unit=${target}&from=${PERIOD}` }),
  },
  'GET /api/v1/reporting/missing': {
    roles: ALL,
    scoped: true,
    ok: 200,
    request: (target) => ({ method: 'GET', path: `/api/v1/reporting/missing?unit=${target}&period=${PERIOD}` }),
  },

  // Notifications (issue 7): every role at the route; the service scopes each to the caller (its own
  // inbox, preferences, endpoints; the delivery log of its subtree or of what it was sent). There is no
  // unit to aim at, and a notice, endpoint or delivery that is not the caller's answers 404.
  'GET /api/v1/notifications/inbox': {
    roles: ALL,
    scoped: false,
    ok: 200,
    request: () => ({ method: 'GET', path: '/api/v1/notifications/inbox' }),
  },
  'GET /api/v1/notifications/inbox/unread-count': {
    roles: ALL,
    scoped: false,
    ok: 200,
    request: () => ({ method: 'GET', path: '/api/v1/notifications/inbox/unread-count' }),
  },
  'POST /api/v1/notifications/inbox/read-all': {
    roles: ALL,
    scoped: false,
    ok: [200, 204],
    request: () => ({ method: 'POST', path: '/api/v1/notifications/inbox/read-all', body: {} }),
  },
  'GET /api/v1/notifications/inbox/{id}': {
    roles: ALL,
    scoped: false,
    ok: 404,
    request: () => ({ method: 'GET', path: `/api/v1/notifications/inbox/${uniqueId('n')}` }),
  },
  'POST /api/v1/notifications/inbox/{id}/read': {
    roles: ALL,
    scoped: false,
    ok: 404,
    request: () => ({ method: 'POST', path: `/api/v1/notifications/inbox/${uniqueId('n')}/read`, body: {} }),
  },
  'POST /api/v1/notifications/inbox/{id}/archive': {
    roles: ALL,
    scoped: false,
    ok: 404,
    request: () => ({ method: 'POST', path: `/api/v1/notifications/inbox/${uniqueId('n')}/archive`, body: {} }),
  },
  'GET /api/v1/notifications/categories': {
    roles: ALL,
    scoped: false,
    ok: 200,
    request: () => ({ method: 'GET', path: '/api/v1/notifications/categories' }),
  },
  'GET /api/v1/notifications/preferences/{scope}': {
    roles: ALL,
    scoped: false,
    ok: 200,
    request: () => ({ method: 'GET', path: '/api/v1/notifications/preferences/account' }),
  },
  'PUT /api/v1/notifications/preferences/{scope}': {
    roles: ALL,
    scoped: false,
    ok: 200,
    request: () => ({ method: 'PUT', path: '/api/v1/notifications/preferences/account', body: { locale: 'zh-Hans' } }),
  },
  'GET /api/v1/notifications/endpoints': {
    roles: ALL,
    scoped: false,
    ok: 200,
    request: () => ({ method: 'GET', path: '/api/v1/notifications/endpoints' }),
  },
  'POST /api/v1/notifications/endpoints': {
    roles: ALL,
    scoped: false,
    ok: [201, 400, 422], // the endpoint's own rules (address forms) decide
    request: () => ({
      method: 'POST',
      path: '/api/v1/notifications/endpoints',
      body: { owner: 'account', channel: 'email', address: 'matrix@example.test' },
    }),
  },
  'DELETE /api/v1/notifications/endpoints/{id}': {
    roles: ALL,
    scoped: false,
    ok: 404,
    request: () => ({ method: 'DELETE', path: `/api/v1/notifications/endpoints/em_${uniqueId('x')}` }),
  },
  'GET /api/v1/notifications/delivery-log': {
    roles: ALL,
    scoped: false,
    ok: 200,
    request: () => ({ method: 'GET', path: '/api/v1/notifications/delivery-log' }),
  },
  'GET /api/v1/notifications/deliveries/{id}': {
    roles: ALL,
    scoped: false,
    ok: 404,
    request: () => ({ method: 'GET', path: `/api/v1/notifications/deliveries/${uniqueId('d')}` }),
  },

  // The AsyncAPI document of the analysts' topics: public.
  'GET /asyncapi': { roles: 'public', scoped: false, ok: 200, request: () => ({ method: 'GET', path: '/asyncapi' }) },
  'GET /asyncapi.json': { roles: 'public', scoped: false, ok: 200, request: () => ({ method: 'GET', path: '/asyncapi.json' }) },
  'GET /asyncapi.html': { roles: 'public', scoped: false, ok: 200, request: () => ({ method: 'GET', path: '/asyncapi.html' }) },
};

/** What a cell may answer: the route's in-scope answer, 403 for a role it does not admit, 404 outside the subtree. */
function expected(rule: RouteRule, caller: Caller, relation: Relation | null): number[] {
  const ok = Array.isArray(rule.ok) ? rule.ok : [rule.ok];
  if (rule.roles === 'public') return ok;
  if (!rule.roles.includes(caller.role)) return [403];
  if (caller.viaKey && rule.refusesKeys) return [403];
  if (!rule.scoped || relation === 'own' || relation === 'child') return ok;
  return [404];
}

describe('access matrix: every caller x every gateway route x own / parent / child / sibling / foreign unit', () => {
  const callers: Caller[] = [];
  /** For each caller's unit, the unit in each relation to it (absent where the tree has none). */
  const relationsOf: Record<string, Partial<Record<Relation, string>>> = {};

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
      await client
        .db(dbOf('reporting'))
        .collection('party_orgs')
        .insertMany(
          Object.keys(units).map((name) => ({
            _id: partyOrgOf(units[name]) as never,
            unitId: units[name],
            unitPath: pathOf(name),
            supervisorId: units[parents[name] ?? name],
            routing: 'single',
            active: true,
            version: 1,
            lastEventId: uniqueId('seed'),
          })),
        );
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
          return res.status === 200 && known.status === 200 ? true : null;
        },
        180_000,
      );
    }

    // The callers: each role at a unit where it belongs, logged in with a real password; and a school system's API key.
    const people: [string, Role, string][] = [
      ['county-admin@A', 'county-admin', units['A']],
      ['school-secretary@A1', 'school-secretary', units['A1']],
      ['inspector@A', 'inspector', units['A']],
      ['analyst@C', 'analyst', units['C']],
    ];
    callers.push({ name: 'city-admin@C', role: 'city-admin', unit: units['C'], headers: { authorization: `Bearer ${cityAdminToken}` } });
    for (const [name, role, unit] of people) {
      const username = uniqueId(role);
      const made = await api('POST', '/api/v1/accounts', {
        token: cityAdminToken,
        body: { username, displayName: name, orgUnitId: unit, roles: [role], password: 'caller-password-1' },
      });
      if (made.status !== 201) throw new Error(`caller ${name}: ${made.status}`);
      const { accessToken } = await login(username, 'caller-password-1');
      callers.push({ name, role, unit, headers: { authorization: `Bearer ${accessToken}` } });
    }
    const key = await api('POST', '/api/v1/api-keys', { token: cityAdminToken, body: { name: 'school system', orgUnitId: units['A1'] } });
    callers.push({
      name: 'api-key(school-secretary)@A1',
      role: 'school-secretary',
      unit: units['A1'],
      viaKey: true,
      headers: { 'x-api-key': key.body['key'] as string },
    });

    const parentOf: Record<string, string | undefined> = { [units['A']]: units['C'], [units['A1']]: units['A'] };
    const childOf: Record<string, string | undefined> = { [units['C']]: units['A'], [units['A']]: units['A1'] };
    const siblingOf: Record<string, string | undefined> = { [units['A']]: units['B'], [units['A1']]: units['A2'] };
    for (const c of callers) {
      relationsOf[c.unit] = {
        own: c.unit,
        ...(parentOf[c.unit] ? { parent: parentOf[c.unit] } : {}),
        ...(childOf[c.unit] ? { child: childOf[c.unit] } : {}),
        ...(siblingOf[c.unit] ? { sibling: siblingOf[c.unit] } : {}),
        foreign: units['F1'],
      };
    }
  }, 300_000);

  it('knows every route of the OpenAPI document, and the document names the same roles', async () => {
    const doc = (await (await fetch(`${e2e.gateway}/docs/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { 'x-roles'?: Role[]; 'x-public'?: boolean }>>;
    };
    const documented: string[] = [];
    const mismatched: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const key = `${method.toUpperCase()} ${path}`;
        documented.push(key);
        const rule = ROUTES[key];
        if (!rule) continue;
        const declared = op['x-public'] ? 'public' : [...(op['x-roles'] ?? [])].sort().join(',');
        const mine = rule.roles === 'public' ? 'public' : [...rule.roles].sort().join(',');
        if (declared !== mine) mismatched.push(`${key}: document ${declared}, matrix ${mine}`);
      }
    }
    expect(documented.filter((k) => !ROUTES[k])).toEqual([]); // a new route must be added to the matrix
    expect(Object.keys(ROUTES).filter((k) => !documented.includes(k))).toEqual([]);
    expect(mismatched).toEqual([]);
  });

  it('answers each cell as expected: success only inside the subtree and for admitted roles', async () => {
    const wrong: string[] = [];
    let cells = 0;
    for (const [route, rule] of Object.entries(ROUTES)) {
      if (rule.roles === 'public') continue;
      for (const caller of callers) {
        const relations: (Relation | null)[] = rule.scoped ? RELATIONS : [null];
        for (const relation of relations) {
          const target = relation ? relationsOf[caller.unit]?.[relation] : caller.unit;
          if (!target) continue; // the tree has no such unit for this caller (the city has no parent)
          const req = await rule.request(target, caller);
          const res = await api(req.method, req.path, {
            headers: { ...caller.headers, ...req.headers },
            ...(req.body !== undefined ? { body: req.body } : {}),
          });
          const want = expected(rule, caller, relation);
          cells += 1;
          if (!want.includes(res.status))
            wrong.push(`${caller.name} ${route} ${relation ?? '-'} (${target}): expected ${want.join('|')}, got ${res.status}`);
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(cells).toBeGreaterThan(150);
  }, 300_000);

  it('lets no one in without credentials, except on the public routes', async () => {
    const wrong: string[] = [];
    for (const [route, rule] of Object.entries(ROUTES)) {
      const req = await rule.request(units['A1'], callers[0]);
      const res = await api(req.method, req.path, { ...(req.body !== undefined ? { body: req.body } : {}), headers: req.headers ?? {} });
      const want = rule.roles === 'public' ? [rule.ok].flat() : [401];
      if (!want.includes(res.status)) wrong.push(`${route}: expected ${want.join('|')}, got ${res.status}`);
    }
    expect(wrong).toEqual([]);
  });
});

import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Role } from '@pb/platform';
import { api, createUnits, e2e, login, tokenFor, uniqueId } from './support/env.js';

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
  ok: number;
  /** API keys are refused even with an admitted role (keys cannot manage keys). */
  refusesKeys?: boolean;
  request: (target: string, caller: Caller) => Promise<Request> | Request;
}

const ALL: Role[] = ['city-admin', 'county-admin', 'school-secretary', 'inspector', 'analyst'];
const ADMINS: Role[] = ['city-admin', 'county-admin'];

const unitKey = (...parts: string[]) => parts.join('-');
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
      body: { username: uniqueId('m'), displayName: '矩陣', orgUnitId: target, roles: ['inspector'], password: 'matrix-password-1' },
    }),
  },
  'GET /api/v1/accounts': { roles: ADMINS, scoped: true, ok: 200, request: (target) => ({ method: 'GET', path: `/api/v1/accounts?unit=${target}` }) },
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
    request: (target) => ({ method: 'PATCH', path: `/api/v1/accounts/${victims[target]}`, body: { displayName: '已改名' }, headers: { 'if-match': '*' } }),
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
      return { method: 'POST', path: '/api/v1/org-units', body: { id, code: id.toUpperCase(), name: '矩陣單位', kind: 'unit', parentId: target } };
    },
  },
  'GET /api/v1/org-units/{id}': { roles: ALL, scoped: true, ok: 200, request: (target) => ({ method: 'GET', path: `/api/v1/org-units/${target}` }) },
};

/** What a cell must answer: the route's success status, 403 for a role it does not admit, 404 outside the subtree. */
function expected(rule: RouteRule, caller: Caller, relation: Relation | null): number {
  if (rule.roles === 'public') return rule.ok;
  if (!rule.roles.includes(caller.role)) return 403;
  if (caller.viaKey && rule.refusesKeys) return 403;
  if (!rule.scoped || relation === 'own' || relation === 'child') return rule.ok;
  return 404;
}

describe('access matrix: every caller x every gateway route x own / parent / child / sibling / foreign unit', () => {
  const callers: Caller[] = [];
  /** For each caller's unit, the unit in each relation to it (absent where the tree has none). */
  const relationsOf: Record<string, Partial<Record<Relation, string>>> = {};

  beforeAll(async () => {
    const run = e2e.run;
    const C = e2e.admin.orgUnitId;
    Object.assign(units, { C, A: unitKey(run, 'a'), B: unitKey(run, 'b'), A1: unitKey(run, 'a1'), A2: unitKey(run, 'a2'), B1: unitKey(run, 'b1'), D: unitKey(run, 'd') });
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
        body: { username: uniqueId(`v-${name.toLowerCase()}`), displayName: `賬號 ${name}`, orgUnitId: unit, roles: ['inspector'], password: 'victim-password-1' },
      });
      if (res.status !== 201) throw new Error(`fixture account at ${name}: ${res.status} ${JSON.stringify(res.body)}`);
      victims[unit] = res.body['id'] as string;
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
    callers.push({ name: 'api-key(school-secretary)@A1', role: 'school-secretary', unit: units['A1'], viaKey: true, headers: { 'x-api-key': key.body['key'] as string } });

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
          const res = await api(req.method, req.path, { headers: { ...caller.headers, ...req.headers }, ...(req.body !== undefined ? { body: req.body } : {}) });
          const want = expected(rule, caller, relation);
          cells += 1;
          if (res.status !== want) wrong.push(`${caller.name} ${route} ${relation ?? '-'} (${target}): expected ${want}, got ${res.status}`);
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
      const want = rule.roles === 'public' ? rule.ok : 401;
      if (res.status !== want) wrong.push(`${route}: expected ${want}, got ${res.status}`);
    }
    expect(wrong).toEqual([]);
  });
});

import { request } from 'node:http';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { MAX_JSON_DEPTH } from '@pb/contracts';
import { INTERNAL_IDENTITY_HEADER, signInternalToken } from '@pb/platform';
import { api, createUnits, e2e, eventually, tokenFor, uniqueId } from './support/env.js';
import { nextPeriod } from './support/periods.js';

// The conventions every client of the gateway relies on: OpenAPI 3.1, problem+json in the caller's
// language with JSON pointers, unknown fields refused, body limit 413, cursor pagination, ETag and
// If-Match, correlation ids, and the audit log of writes with before and after.
describe('API conventions', () => {
  const city = uniqueId('cvcity');
  const county = uniqueId('cvcounty');
  const other = uniqueId('cvother');
  let admin: string;
  let countyAdmin: string;

  beforeAll(async () => {
    admin = await tokenFor(city, ['city-admin']);
    countyAdmin = await tokenFor(county, ['county-admin']);
    await createUnits(admin, [
      [city, 'city-bureau', null],
      [county, 'county-bureau', city],
      [other, 'county-bureau', city],
    ]);
  }, 120_000);

  it('publishes an OpenAPI 3.1 document with bilingual descriptions, problem schemas and security', async () => {
    const doc = (await (await fetch(`${e2e.gateway}/docs/openapi.json`)).json()) as {
      openapi: string;
      components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
      paths: Record<
        string,
        Record<
          string,
          {
            summary?: string;
            security?: unknown[];
            parameters?: { name: string; in: string }[];
            responses: Record<string, { content?: Record<string, unknown> }>;
          }
        >
      >;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['apiKey', 'bearer']);
    expect(doc.components.schemas['Problem']).toBeDefined();
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        expect([path, method, /[\u4e00-\u9fff]/.test(op.summary ?? '') && /[a-z]/.test(op.summary ?? '')]).toEqual([path, method, true]);
        expect(op.responses['400']?.content?.['application/problem+json']).toBeDefined();
        expect(op.responses['429']?.content?.['application/problem+json']).toBeDefined();
      }
    }
    expect(doc.paths['/api/v1/auth/login']?.['post']?.security).toEqual([]);
    // Every update of an existing resource takes If-Match (required for accounts, optional elsewhere)
    // and documents its 412: each PUT and PATCH, and each POST action on a resource's path. Creating,
    // appending and marking one's own notices are not updates of what the caller read.
    const notUpdates = [
      'POST /api/v1/contact-points/{id}/visits', // appends a visit
      'POST /api/v1/notifications/inbox/{id}/archive', // marks the caller's own notice
      'POST /api/v1/notifications/inbox/{id}/read',
      'POST /api/v1/party-orgs/{id}/members', // registers a new member
      'POST /api/v1/reports/{partyOrgId}/{periodId}/lock-exceptions', // adds an exception
      'PUT /api/v1/notifications/preferences/{scope}', // the caller's own preferences, replaced whole
      'POST /api/v1/evaluation/nominations/{id}/objections', // appends an objection
      'POST /api/v1/evaluation/selections/{kind}/{year}/nominations', // creates a nomination
      'POST /api/v1/org-units/{id}/reserve-cadres', // adds a reserve cadre
      'POST /api/v1/training/programmes/{id}/assessments', // records a teacher's result (an enrolment's, not the programme's)
      'POST /api/v1/training/programmes/{id}/attendance', // appends attendance
      'POST /api/v1/training/programmes/{id}/certifications', // certifies an enrolment by exception
      'POST /api/v1/training/programmes/{id}/enrolments', // enrols a teacher
      'POST /api/v1/training/programmes/{id}/sessions', // adds a session
      'POST /api/v1/training/schools/{id}/imports/{kind}', // uploads a file: a new import job
      'POST /api/v1/training/schools/{id}/teachers', // adds a teacher to the roster
    ].sort();
    const withoutIfMatch: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const update = method === 'put' || method === 'patch' || (method === 'post' && path.includes('{'));
        const ifMatch =
          op.parameters?.some((p) => p.in === 'header' && p.name.toLowerCase() === 'if-match') && op.responses['412'] !== undefined;
        if (update && !ifMatch) withoutIfMatch.push(`${method.toUpperCase()} ${path}`);
      }
    }
    expect(withoutIfMatch.sort()).toEqual(notUpdates);
  });

  it('refuses unknown fields with 400 naming each by JSON pointer, in the language asked for', async () => {
    const body = {
      username: uniqueId('u'),
      displayName: 'x',
      orgUnitId: county,
      roles: ['inspector'],
      password: 'long-enough-password',
      isAdmin: true,
    };
    const zh = await api('POST', '/api/v1/accounts', { token: admin, body });
    expect(zh.status).toBe(400);
    expect(zh.headers.get('content-language')).toBe('zh-Hans');
    expect(zh.body['errors']).toEqual([{ pointer: '/isAdmin', rule: 'additionalProperties', message: '不允许的栏位 isAdmin' }]);
    const en = await api('POST', '/api/v1/accounts', { token: admin, body, headers: { 'accept-language': 'en-GB,en;q=0.9' } });
    expect(en.body['errors']).toEqual([{ pointer: '/isAdmin', rule: 'additionalProperties', message: 'unknown field isAdmin' }]);
    const query = await api('GET', `/api/v1/accounts?unit=${county}&sort=name`, { token: admin, headers: { 'accept-language': 'en' } });
    expect(query.status).toBe(400);
    expect(query.body['errors']).toEqual([expect.objectContaining({ pointer: '/sort', rule: 'additionalProperties' })]);
    // The same rule for routes the gateway only forwards: their declared query parameters and no others.
    const forwarded = await api('GET', `/api/v1/reporting/compliance?unit=${county}&from=2026-01-H1&form=2026-01-H2`, {
      token: admin,
      headers: { 'accept-language': 'en' },
    });
    expect(forwarded.status).toBe(400);
    expect(forwarded.body['errors']).toEqual([{ pointer: '/form', rule: 'additionalProperties', message: 'unknown field form' }]);
  });

  it('answers 413 problem+json for a body over the limit', async () => {
    // Sent in chunks, as a client streaming a large upload would: the gateway reads up to the limit and
    // answers. (With a Content-Length over the limit it answers before reading and closes the
    // connection, which races the client's own writing: EPIPE instead of the answer on a busy machine.)
    const json = new TextEncoder().encode(JSON.stringify({ code: 'X', name: 'x'.repeat(1_100_000), kind: 'unit', parentId: city }));
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < json.length; at += 65_536) controller.enqueue(json.subarray(at, at + 65_536));
        controller.close();
      },
    });
    const res = await fetch(`${e2e.gateway}/api/v1/org-units`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: chunks,
      duplex: 'half',
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(((await res.json()) as { status: number }).status).toBe(413);
  });

  it('pages with an opaque cursor and a next link until the last page, bounded limit', async () => {
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await api('POST', '/api/v1/accounts', {
        token: admin,
        body: {
          username: uniqueId(`page${i}`),
          displayName: `第${i}`,
          orgUnitId: other,
          roles: ['inspector'],
          password: 'page-password-12',
        },
      });
      made.push(res.body['id'] as string);
    }
    const seen: string[] = [];
    let next: string | null = `/api/v1/accounts?unit=${other}&limit=2`;
    let pages = 0;
    while (next) {
      const res = await api('GET', next, { token: admin });
      expect(res.status).toBe(200);
      const items = res.body['items'] as { id: string }[];
      expect(items.length).toBeLessThanOrEqual(2);
      seen.push(...items.map((a) => a.id));
      next = res.body['next'] as string | null;
      pages += 1;
    }
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual([...made].sort());
    for (const bad of ['limit=0', 'limit=101', 'limit=abc', 'cursor=not%20base64url', 'cursor=']) {
      const res = await api('GET', `/api/v1/accounts?unit=${other}&${bad}`, { token: admin });
      expect([bad, res.status]).toEqual([bad, 400]);
    }
  });

  it("follows the same next link through the lists other services own (the registry's children, a school's inbox)", async () => {
    const parent = uniqueId('cvpage');
    await createUnits(admin, [[parent, 'county-bureau', city]]);
    const children = Array.from({ length: 3 }, () => uniqueId('cvchild'));
    await createUnits(
      admin,
      children.map((c) => [c, 'school', parent] as const),
    );
    const seen: string[] = [];
    let next: string | null = `/api/v1/org-units/${parent}/children?limit=2`;
    let pages = 0;
    while (next) {
      const res = await api('GET', next, { token: admin });
      expect(res.status).toBe(200);
      seen.push(...(res.body['items'] as { id: string }[]).map((u) => u.id));
      // The owner's own cursor stays for clients written before the link.
      expect(res.body['next'] === null).toBe(res.body['nextCursor'] === null);
      next = res.body['next'] as string | null;
      pages += 1;
    }
    expect(pages).toBe(2);
    expect(seen.sort()).toEqual([...children].sort());
    const inbox = await api('GET', '/api/v1/notifications/inbox?limit=1', { token: await tokenFor(children[0], ['school-secretary']) });
    expect(inbox.status).toBe(200);
    expect(inbox.body).toHaveProperty('next');
  });

  it('ETag and If-Match: 428 without, 412 when stale, 200 and a new ETag when current', async () => {
    const made = await api('POST', '/api/v1/accounts', {
      token: admin,
      body: { username: uniqueId('etag'), displayName: '甲', orgUnitId: county, roles: ['inspector'] },
    });
    const id = made.body['id'] as string;
    const read = await api('GET', `/api/v1/accounts/${id}`, { token: countyAdmin });
    expect(read.headers.get('etag')).toBe('"1"');
    const missing = await api('PATCH', `/api/v1/accounts/${id}`, { token: countyAdmin, body: { displayName: '乙' } });
    expect(missing.status).toBe(428);
    const first = await api('PATCH', `/api/v1/accounts/${id}`, {
      token: countyAdmin,
      body: { displayName: '乙' },
      headers: { 'if-match': '"1"' },
    });
    expect(first.status).toBe(200);
    expect(first.headers.get('etag')).toBe('"2"');
    const stale = await api('PATCH', `/api/v1/accounts/${id}`, {
      token: admin,
      body: { displayName: '丙' },
      headers: { 'if-match': '"1"' },
    });
    expect(stale.status).toBe(412);
    expect(stale.headers.get('etag')).toBe('"2"');
    expect((await api('GET', `/api/v1/accounts/${id}`, { token: admin })).body['displayName']).toBe('乙');
    // Org units carry their version as ETag too, through the gateway.
    expect((await api('GET', `/api/v1/org-units/${county}`, { token: admin })).headers.get('etag')).toBe('"1"');
  });

  it("ETag and If-Match on the registry's updates: a stale rename or party-organisation change is refused with 412, the current one goes through", async () => {
    const unit = uniqueId('cvetag');
    await createUnits(countyAdmin, [[unit, 'school', county]]);
    // Read first, so the registry keeps the unit for a moment (ORG_UNIT_CACHE_MS): its own change must still show at once.
    expect((await api('GET', `/api/v1/org-units/${unit}`, { token: admin })).headers.get('etag')).toBe('"1"');
    const renamed = await api('PATCH', `/api/v1/org-units/${unit}`, {
      token: countyAdmin,
      body: { name: '改名一' },
      headers: { 'if-match': '"1"' },
    });
    expect([renamed.status, renamed.headers.get('etag')]).toEqual([200, '"2"']);
    expect((await api('GET', `/api/v1/org-units/${unit}`, { token: admin })).headers.get('etag')).toBe('"2"');
    const stale = await api('PATCH', `/api/v1/org-units/${unit}`, {
      token: admin,
      body: { name: '改名二' },
      headers: { 'if-match': '"1"' },
    });
    expect([stale.status, stale.headers.get('etag'), stale.headers.get('content-type')?.split(';')[0]]).toEqual([
      412,
      '"2"',
      'application/problem+json',
    ]);
    expect((await api('GET', `/api/v1/org-units/${unit}`, { token: admin })).body['name']).toBe('改名一');
    // Without If-Match the update still goes through (clients written before it).
    expect((await api('PATCH', `/api/v1/org-units/${unit}`, { token: admin, body: { name: '改名三' } })).status).toBe(200);
    const partyOrg = uniqueId('cvetagpo');
    expect(
      (
        await api('POST', '/api/v1/party-orgs', {
          token: countyAdmin,
          body: { id: partyOrg, unitId: unit, kind: 'branch', name: '甲支部', principal: { name: '甲书记' }, deputy: { name: '乙委员' } },
        })
      ).status,
    ).toBe(201);
    const read = await api('GET', `/api/v1/party-orgs/${partyOrg}`, { token: countyAdmin });
    expect(read.headers.get('etag')).toBe('"1"');
    const changed = await api('PATCH', `/api/v1/party-orgs/${partyOrg}`, {
      token: countyAdmin,
      body: { name: '乙支部' },
      headers: { 'if-match': '"1"' },
    });
    expect([changed.status, changed.headers.get('etag')]).toEqual([200, '"2"']);
    const staleOrg = await api('PUT', `/api/v1/party-orgs/${partyOrg}/affiliation`, {
      token: countyAdmin,
      body: { supervisorId: county, routing: 'single' },
      headers: { 'if-match': '"1"' },
    });
    expect([staleOrg.status, staleOrg.headers.get('etag')]).toEqual([412, '"2"']);
  });

  it("If-Match on the registry's actions: close, milestone, transfer, end of a contact point, a bureau's rules", async () => {
    const school = uniqueId('cvact');
    await createUnits(countyAdmin, [[school, 'school', county]]);
    const branch = `${school}-b1`;
    const other = `${school}-b2`;
    for (const id of [branch, other]) {
      const res = await api('POST', '/api/v1/party-orgs', {
        token: countyAdmin,
        body: { id, unitId: school, kind: 'branch', name: id, principal: { name: '甲书记' }, deputy: { name: '乙委员' } },
      });
      expect(res.status).toBe(201);
    }
    const member = await api('POST', `/api/v1/party-orgs/${branch}/members`, {
      token: countyAdmin,
      body: {
        person: { name: '条件党员', gender: 'female', birthDate: '1990-05-01' },
        milestones: [{ kind: 'application', date: '2024-03-01' }],
      },
    });
    const point = await api('POST', '/api/v1/contact-points', {
      token: countyAdmin,
      body: { cadreAccountId: uniqueId('cadre'), cadreUnitId: county, schoolId: school, since: '2025-01-01' },
    });
    expect([member.status, point.status]).toEqual([201, 201]);
    const memberId = member.body['id'] as string;
    const pointId = point.body['id'] as string;
    // Each action: the resource it changes, and the change. A stale If-Match changes nothing (412 with
    // the current ETag); the ETag just read goes through and answers the next one.
    const actions: { read: string; method: string; path: string; body: Record<string, unknown> }[] = [
      {
        read: `/api/v1/members/${memberId}`,
        method: 'POST',
        path: `/api/v1/members/${memberId}/milestones`,
        body: { kind: 'first-talk', date: '2024-03-20' },
      },
      {
        read: `/api/v1/members/${memberId}`,
        method: 'POST',
        path: `/api/v1/members/${memberId}/transfer`,
        body: { toPartyOrgId: other, date: '2025-03-01' },
      },
      {
        read: `/api/v1/contact-points/${pointId}`,
        method: 'POST',
        path: `/api/v1/contact-points/${pointId}/end`,
        body: { endedOn: '2025-06-30' },
      },
      {
        read: `/api/v1/party-orgs/${branch}`,
        method: 'POST',
        path: `/api/v1/party-orgs/${branch}/close`,
        body: { closedOn: '2025-07-01' },
      },
      { read: `/api/v1/org-units/${county}/milestone-rules`, method: 'PUT', path: `/api/v1/org-units/${county}/milestone-rules`, body: {} },
    ];
    for (const action of actions) {
      const read = await api('GET', action.read, { token: countyAdmin });
      const etag = read.headers.get('etag');
      expect([action.path, etag]).toEqual([action.path, expect.stringMatching(/^"\d+"$/)]);
      // The bureau's rules are written back as read (its own set, version 1, replaces the inherited one).
      const rules = read.body['rules'] as Record<string, unknown> | undefined;
      const body = action.method === 'PUT' && rules ? { order: rules['order'], intervals: rules['intervals'] } : action.body;
      const stale = await api(action.method, action.path, {
        token: countyAdmin,
        body,
        headers: { 'if-match': `"${Number(JSON.parse(etag!)) + 7}"` },
      });
      expect([action.path, stale.status, stale.headers.get('etag')]).toEqual([action.path, 412, etag]);
      expect((await api('GET', action.read, { token: countyAdmin })).headers.get('etag')).toBe(etag);
      const current = await api(action.method, action.path, { token: countyAdmin, body, headers: { 'if-match': etag! } });
      expect([action.path, current.status, current.headers.get('etag')]).toEqual([action.path, 200, `"${Number(JSON.parse(etag!)) + 1}"`]);
    }
    // Closing the school itself: the same rule, checked before anything else about the school.
    const unit = await api('GET', `/api/v1/org-units/${school}`, { token: countyAdmin });
    const staleClose = await api('POST', `/api/v1/org-units/${school}/close`, {
      token: countyAdmin,
      body: { closedOn: '2025-07-02' },
      headers: { 'if-match': '"999"' },
    });
    expect([staleClose.status, staleClose.headers.get('etag')]).toEqual([412, unit.headers.get('etag')]);
  });

  it("answers a unit from the gateway's copy only inside its subtree, shows its own changes at once, another path's within ORG_UNIT_CACHE_MS", async () => {
    const school = uniqueId('cvkept');
    const sibling = uniqueId('cvkeptsib');
    await createUnits(countyAdmin, [
      [school, 'school', county],
      [sibling, 'school', county],
    ]);
    const secretary = await tokenFor(school, ['school-secretary']);
    const read = (token: string) => api('GET', `/api/v1/org-units/${school}`, { token });
    // The school's own read is kept; callers outside its subtree still get 404, inside it 200.
    expect((await read(secretary)).status).toBe(200);
    expect((await read(await tokenFor(sibling, ['school-secretary']))).status).toBe(404);
    expect((await read(await tokenFor(other, ['county-admin']))).status).toBe(404);
    expect((await read(await tokenFor(other, ['analyst']))).status).toBe(404);
    expect((await read(countyAdmin)).status).toBe(200);
    // A rename through the gateway: the next read shows it.
    expect((await api('PATCH', `/api/v1/org-units/${school}`, { token: countyAdmin, body: { name: '保留副本一' } })).status).toBe(200);
    expect((await read(secretary)).body['name']).toBe('保留副本一');
    // A rename that does not pass this gateway (another replica, here org-registry itself): shown once the copy is that old.
    const registry = `http://127.0.0.1:${e2e.serviceEnvs['org-registry']?.['HTTP_PORT']}`;
    const identity = await signInternalToken(
      { sub: 'elsewhere', orgUnitId: county, roles: ['county-admin'] },
      e2e.serviceEnvs['org-registry']?.['INTERNAL_AUTH_SECRET'] ?? '',
    );
    const direct = await fetch(`${registry}/api/v1/org-units/${school}`, {
      method: 'PATCH',
      headers: { [INTERNAL_IDENTITY_HEADER]: identity, 'content-type': 'application/json' },
      body: JSON.stringify({ name: '保留副本二' }),
    });
    expect(direct.status).toBe(200);
    await eventually('the rename made elsewhere', async () => ((await read(secretary)).body['name'] === '保留副本二' ? true : null));
  });

  /** A request as sent, bytes and method included (fetch refuses TRACE and re-encodes bodies). */
  function raw(method: string, url: string, headers: Record<string, string>, body?: Buffer) {
    return new Promise<{ status: number; headers: Record<string, unknown>; body: Record<string, unknown> }>((resolve, reject) => {
      const req = request(url, { method, headers: { ...headers, ...(body ? { 'content-length': String(body.length) } : {}) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} });
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  }
  const rules = (res: { body: Record<string, unknown> }) =>
    (res.body['errors'] as { pointer: string; rule: string }[] | undefined)?.map((e) => [e.pointer, e.rule]);

  it('refuses impossible period ids with 400 naming the field, on the report routes, compliance and missing, without internal errors', async () => {
    const secretary = await tokenFor(county, ['school-secretary']);
    for (const period of ['2026-13-H1', '2026-11-H3', '2026-11-h1']) {
      const report = await api('GET', `/api/v1/reports/po-1/${period}`, { token: admin, headers: { 'accept-language': 'en' } });
      expect([period, report.status, rules(report)]).toEqual([period, 400, [['/periodId', 'pattern']]]);
      const draft = await api('PUT', `/api/v1/reports/po-1/${period}/draft`, { token: secretary, body: { content: {} } });
      expect([period, draft.status, rules(draft)]).toEqual([period, 400, expect.arrayContaining([['/periodId', 'pattern']])]);
      const compliance = await api('GET', `/api/v1/reporting/compliance?unit=${county}&from=${period}`, { token: admin });
      expect([period, compliance.status, rules(compliance)]).toEqual([period, 400, [['/from', 'pattern']]]);
      const missing = await api('GET', `/api/v1/reporting/missing?unit=${county}&period=${period}`, { token: admin });
      expect([period, missing.status, rules(missing)]).toEqual([period, 400, [['/period', 'pattern']]]);
      for (const res of [report, compliance, missing]) expect(JSON.stringify(res.body)).not.toMatch(/RangeError|Invalid time value/);
    }
  });

  it('refuses a bad limit and a cursor the owner did not sign on every list, with 400 naming /limit or /cursor', async () => {
    const school = uniqueId('cvvalid');
    await createUnits(admin, [[school, 'school', county]]);
    const secretary = await tokenFor(school, ['school-secretary']);
    const lists: [string, string][] = [
      ['/api/v1/notifications/inbox?', secretary],
      ['/api/v1/notifications/delivery-log?', countyAdmin],
      [`/api/v1/org-units/${county}/children?`, countyAdmin],
      ['/api/v1/reports/review-queue?', countyAdmin],
      [`/api/v1/accounts?unit=${county}&`, countyAdmin],
    ];
    for (const [list, token] of lists) {
      for (const limit of ['-1', '0', 'abc', '10.5', '1e3', '1e1']) {
        const res = await api('GET', `${list}limit=${limit}`, { token });
        expect([list, limit, res.status, rules(res)]).toEqual([list, limit, 400, [['/limit', expect.any(String)]]]);
      }
    }
    // A cursor of the old unsigned form, one altered, and one another service signed.
    const children = Array.from({ length: 2 }, () => uniqueId('cvcur'));
    await createUnits(
      admin,
      children.map((c) => [c, 'school', county] as const),
    );
    const page = await api('GET', `/api/v1/org-units/${county}/children?limit=1`, { token: countyAdmin });
    const issued = page.body['nextCursor'] as string;
    expect((await api('GET', `/api/v1/org-units/${county}/children?limit=1&cursor=${issued}`, { token: countyAdmin })).status).toBe(200);
    const bytes = Buffer.from(issued, 'base64url');
    bytes[bytes.length - 2] = bytes[bytes.length - 2] ^ 1;
    const forged = [Buffer.from(JSON.stringify([children[0]])).toString('base64url'), bytes.toString('base64url')];
    for (const cursor of forged) {
      const res = await api('GET', `/api/v1/org-units/${county}/children?cursor=${cursor}`, { token: countyAdmin });
      expect([cursor, res.status, rules(res)]).toEqual([cursor, 400, [['/cursor', 'cursor']]]);
    }
    // The registry's cursor is not the gateway's (accounts) nor notifications' (delivery log).
    for (const list of [`/api/v1/accounts?unit=${county}&`, '/api/v1/notifications/delivery-log?']) {
      const res = await api('GET', `${list}cursor=${issued}`, { token: countyAdmin });
      expect([list, res.status, rules(res)]).toEqual([list, 400, [['/cursor', 'cursor']]]);
    }
  });

  it(`refuses JSON nested deeper than ${MAX_JSON_DEPTH}, not UTF-8, or in another charset, in the gateway and in each service`, async () => {
    const deep = Buffer.from(`{"code":"X","name":${'['.repeat(5000)}${']'.repeat(5000)},"kind":"unit","parentId":"${county}"}`);
    const json = { authorization: `Bearer ${admin}`, 'content-type': 'application/json', 'accept-language': 'en' };
    const forwarded = await raw('POST', `${e2e.gateway}/api/v1/org-units`, json, deep);
    expect([forwarded.status, rules(forwarded)]).toEqual([400, [['/', 'maxDepth']]]);
    expect(forwarded.body['errors']).toEqual([
      expect.objectContaining({ message: `JSON may be nested at most ${MAX_JSON_DEPTH} levels deep` }),
    ]);
    // A forwarded route without a body schema: nothing but the parser stands before the owner.
    const bare = await raw(
      'POST',
      `${e2e.gateway}/api/v1/notifications/inbox/read-all`,
      json,
      Buffer.from('['.repeat(5000) + ']'.repeat(5000)),
    );
    expect([bare.status, rules(bare)]).toEqual([400, [['/', 'maxDepth']]]);
    const own = await raw('POST', `${e2e.gateway}/api/v1/accounts`, json, deep);
    expect([own.status, rules(own)]).toEqual([400, [['/', 'maxDepth']]]);
    const registry = `http://127.0.0.1:${e2e.serviceEnvs['org-registry']?.['HTTP_PORT']}`;
    const identity = await signInternalToken(
      { sub: 'direct', orgUnitId: city, roles: ['city-admin'] },
      e2e.serviceEnvs['org-registry']?.['INTERNAL_AUTH_SECRET'] ?? '',
    );
    const direct = await raw(
      'POST',
      `${registry}/api/v1/org-units`,
      { [INTERNAL_IDENTITY_HEADER]: identity, 'content-type': 'application/json' },
      deep,
    );
    expect([direct.status, rules(direct)]).toEqual([400, [['/', 'maxDepth']]]);

    const name = uniqueId('cvutf');
    const latin = Buffer.concat([
      Buffer.from(`{"id":"${name}","code":"${name.toUpperCase()}","name":"Caf`),
      Buffer.from([0xe9]),
      Buffer.from(`","kind":"unit","parentId":"${county}"}`),
    ]);
    const invalid = await raw('POST', `${e2e.gateway}/api/v1/org-units`, json, latin);
    expect([invalid.status, rules(invalid)]).toEqual([400, [['/', 'encoding']]]);
    const charset = await raw(
      'POST',
      `${e2e.gateway}/api/v1/org-units`,
      { ...json, 'content-type': 'application/json; charset=latin1' },
      latin,
    );
    expect([charset.status, String(charset.headers['content-type'])]).toEqual([415, expect.stringMatching(/^application\/problem\+json/)]);
    expect((await api('GET', `/api/v1/org-units/${name}`, { token: admin })).status).toBe(404);
  });

  it('refuses unknown query values, an empty If-Match and impossible dates with 400 naming the field', async () => {
    for (const path of [
      `/api/v1/org-units/${county}/subtree?kind=garbage`,
      `/api/v1/org-units/${county}/subtree?status=`,
      '/api/v1/notifications/delivery-log?kind=garbage',
      `/api/v1/reporting/missing?period=garbage`,
      '/api/v1/reports/review-queue?period=2026-11-H9',
    ]) {
      const res = await api('GET', path, { token: countyAdmin });
      expect([path, res.status]).toEqual([path, 400]);
    }
    const ifMatch = await raw(
      'PATCH',
      `${e2e.gateway}/api/v1/org-units/${county}`,
      { authorization: `Bearer ${admin}`, 'content-type': 'application/json', 'if-match': '' },
      Buffer.from('{"name":"改名"}'),
    );
    expect([ifMatch.status, rules(ifMatch)]).toEqual([400, [['/headers/if-match', 'minLength']]]);
    const member = await api('POST', '/api/v1/party-orgs/po-none/members', {
      token: admin,
      body: {
        person: { name: '张三', gender: 'male', birthDate: '6703-01-01' },
        milestones: [{ kind: 'application', date: '8703-01-01' }],
      },
    });
    expect([member.status, rules(member)]).toEqual([
      400,
      expect.arrayContaining([
        ['/person/birthDate', 'pattern'],
        ['/milestones/0/date', 'pattern'],
      ]),
    ]);
    const milestone = await api('POST', '/api/v1/members/m-none/milestones', {
      token: admin,
      body: { kind: 'application', date: '8703-01-01' },
    });
    expect([milestone.status, rules(milestone)]).toEqual([400, expect.arrayContaining([['/date', 'pattern']])]);
  });

  it('answers 405 with Allow for a method the route table does not declare on a known path, 404 for an unknown path', async () => {
    for (const method of ['TRACE', 'QUERY', 'DELETE']) {
      const res = await raw(method, `${e2e.gateway}/api/v1/notifications/inbox`, { authorization: `Bearer ${admin}` });
      expect([method, res.status, res.headers['allow'], String(res.headers['content-type'])]).toEqual([
        method,
        405,
        'GET, HEAD',
        expect.stringMatching(/^application\/problem\+json/),
      ]);
    }
    const put = await raw('PUT', `${e2e.gateway}/api/v1/org-units/${county}`, {});
    expect([put.status, put.headers['allow']]).toEqual([405, 'GET, HEAD, PATCH']);
    expect((await raw('TRACE', `${e2e.gateway}/api/v1/no-such-thing`, {})).status).toBe(404);
  });

  it('echoes the correlation id on API answers and errors', async () => {
    const res = await api('GET', `/api/v1/org-units/${uniqueId('none')}`, {
      token: admin,
      headers: { 'x-correlation-id': 'conv-check-1' },
    });
    expect(res.status).toBe(404);
    expect(res.headers.get('x-correlation-id')).toBe('conv-check-1');
    expect(res.body['correlationId']).toBe('conv-check-1');
  });

  it("audits every write with who, what, when, before and after, for the writer's bureaus only", async () => {
    const unit = uniqueId('cvschool');
    const created = await api('POST', '/api/v1/org-units', {
      token: countyAdmin,
      body: { id: unit, code: unit.toUpperCase(), name: '审计学校', kind: 'school', parentId: county },
      headers: { 'x-correlation-id': `audit-${unit}` },
    });
    expect(created.status).toBe(201);
    const entry = await eventually('the audit entry of the creation', async () => {
      const res = await api('GET', `/api/v1/audit?unit=${county}&category=write`, { token: countyAdmin });
      return (res.body['items'] as Record<string, unknown>[]).find((e) => (e['resource'] as { id: string }).id === unit);
    });
    expect(entry).toMatchObject({
      category: 'write',
      action: 'org-unit.created',
      service: 'org-registry',
      unitId: unit,
      actor: { orgUnitId: county, roles: ['county-admin'] },
      before: null,
      after: { code: unit.toUpperCase(), parentId: county, path: [city, county, unit] },
      correlationId: `audit-${unit}`,
    });
    expect(Date.now() - new Date(entry['at'] as string).getTime()).toBeLessThan(60_000);
    // The city sees it in its roll-up; the sibling county does not, and cannot ask for it.
    const cityView = await api('GET', `/api/v1/audit?unit=${city}&category=write&limit=100`, { token: admin });
    expect((cityView.body['items'] as { id: string }[]).map((e) => e.id)).toContain(entry['id']);
    const sibling = await tokenFor(other, ['county-admin']);
    const siblingView = await api('GET', '/api/v1/audit?category=write&limit=100', { token: sibling });
    expect((siblingView.body['items'] as { id: string }[]).map((e) => e.id)).not.toContain(entry['id']);
    expect((await api('GET', `/api/v1/audit?unit=${county}`, { token: sibling })).status).toBe(404);
  });

  it("audits reporting's and notifications' writes too: a school's draft, its webhook (without the secret) and the city's calendar", async () => {
    const school = uniqueId('cvrep');
    await createUnits(countyAdmin, [[school, 'school', county]]);
    const partyOrg = uniqueId('cvpo');
    const made = await api('POST', '/api/v1/party-orgs', {
      token: countyAdmin,
      body: { id: partyOrg, unitId: school, kind: 'branch', name: '审计党支部', principal: { name: '甲书记' }, deputy: { name: '乙委员' } },
    });
    expect(made.status).toBe(201);
    const secretary = await tokenFor(school, ['school-secretary']);
    // The next period: open for drafts. Reporting learns the party organisation from org-registry's events.
    const period = nextPeriod();
    const draft = await eventually('reporting to know the party organisation', async () => {
      const res = await api('PUT', `/api/v1/reports/${partyOrg}/${period}/draft`, {
        token: secretary,
        body: { content: { freeText: '审计草稿' } },
        headers: { 'x-correlation-id': `audit-draft-${school}` },
      });
      return res.status === 200 ? res : null;
    });
    expect(draft.body['status']).toBe('draft');
    /** The first write entry under `unit` that `match` accepts, once the gateway has consumed it. */
    const auditEntry = (unit: string, token: string, match: (e: Record<string, unknown>) => boolean) =>
      eventually(`an audit entry under ${unit}`, async () => {
        const res = await api('GET', `/api/v1/audit?unit=${unit}&category=write&limit=100`, { token });
        return (res.body['items'] as Record<string, unknown>[]).find(match);
      });
    const entry = await auditEntry(school, countyAdmin, (e) => e['action'] === 'report.draft-saved');
    expect(entry).toMatchObject({
      service: 'reporting',
      unitId: school,
      resource: { type: 'half-month-report', id: `${partyOrg}:${period}` },
      actor: { orgUnitId: school, roles: ['school-secretary'] },
      before: { status: 'not-started', version: 1 },
      after: { status: 'draft', draft: { freeText: '审计草稿' }, version: 2 },
      correlationId: `audit-draft-${school}`,
    });
    expect(entry['before']).not.toHaveProperty('outbox');
    // The school's own system registers a webhook: audited for the school, its secret nowhere in the entry.
    const hook = await api('POST', '/api/v1/notifications/endpoints', {
      token: secretary,
      body: { owner: 'unit', channel: 'webhook', url: 'http://127.0.0.1:9/pb' },
    });
    expect(hook.status).toBe(201);
    const hookEntry = await auditEntry(school, countyAdmin, (e) => e['action'] === 'notification-endpoint.added');
    expect(hookEntry).toMatchObject({
      service: 'notifications',
      unitId: school,
      resource: { type: 'notification-profile', id: `unit:${school}` },
      before: { webhooks: [] },
      after: { webhooks: [{ id: hook.body['id'], url: 'http://127.0.0.1:9/pb' }] },
    });
    expect(JSON.stringify(hookEntry)).not.toContain(String(hook.body['secret']));
    // The city's calendar, written again as it is: a new version, audited under the city bureau.
    const calendar = await api('GET', '/api/v1/reporting/calendar', { token: admin });
    const { version, ...settings } = calendar.body as { version: number } & Record<string, unknown>;
    const put = await api('PUT', '/api/v1/reporting/calendar', { token: admin, body: settings, headers: { 'if-match': `"${version}"` } });
    expect(put.status).toBe(200);
    const calendarEntry = await auditEntry(
      city,
      admin,
      (e) => e['action'] === 'reporting-calendar.updated' && (e['after'] as { version?: number }).version === version + 1,
    );
    expect(calendarEntry).toMatchObject({ service: 'reporting', unitId: city, actor: { orgUnitId: city, roles: ['city-admin'] } });
  });
});

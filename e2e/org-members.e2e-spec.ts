import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { MongoClient } from 'mongodb';
import { MemberRegisteredV1, Topics } from '@pb/contracts';
import { api, mongo, tokenFor } from './support/env.js';
import { buildCity, outboxesDrained, readToEnd } from './support/orgs.js';

const person = { name: '林晓红', gender: 'female', birthDate: '1990-05-12', idNumber: '990101199005120027' };
const history = (fullConference: string) => [
  { kind: 'application', date: '2019-03-01' },
  { kind: 'first-talk', date: '2019-03-20' },
  { kind: 'activist', date: '2019-06-01' },
  { kind: 'development-target', date: '2020-07-01' },
  { kind: 'political-check', date: '2020-08-01' },
  { kind: 'branch-conference', date: '2020-09-01' },
  { kind: 'probationary-approval', date: '2020-09-20' },
  { kind: 'oath', date: '2020-10-01' },
  { kind: 'full-member-conference', date: fullConference },
];

// Development milestones against the rules of the supervising bureau, and who may read member data.
describe('party members and the milestone rules', () => {
  let client: MongoClient;
  let city: Awaited<ReturnType<typeof buildCity>>;
  let a: string, b: string, school: string, branch: string;
  let imported: string;

  beforeAll(async () => {
    client = await mongo();
    city = await buildCity(['a', 'b']);
    a = city.countyIds['a']!;
    b = city.countyIds['b']!;
    school = `${city.cityId}-s2`;
    branch = `${school}-b1`;
    await city.ok('POST', '/api/v1/org-units', { id: school, code: 'S2', name: '实验小学', kind: 'school', parentId: a });
    await city.ok('POST', '/api/v1/party-orgs', {
      id: branch,
      unitId: school,
      kind: 'branch',
      name: '实验小学党支部',
      principal: { name: '黄书记' },
      deputy: { name: '吴老师' },
    });
  });
  afterAll(async () => {
    await client.close();
  });

  it('refuses a full-member conference within the probationary year, naming the rule', async () => {
    const res = await api('POST', `/api/v1/party-orgs/${branch}/members`, {
      token: city.admin,
      body: { person, milestones: history('2021-06-01') },
      headers: { 'accept-language': 'en' },
    });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body['errors']).toEqual([
      expect.objectContaining({
        pointer: '/milestones/full-member-conference',
        rule: 'probationary-year',
        message: expect.stringMatching(/on or after 2021-09-01/),
      }),
    ]);
  });

  it('accepts the same history as an import, flagged for inspectors', async () => {
    const res = await api('POST', `/api/v1/party-orgs/${branch}/members`, {
      token: city.admin,
      body: { person, milestones: history('2021-06-01'), imported: true },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'probationary',
      imported: true,
      flags: [expect.objectContaining({ rule: 'probationary-year' })],
    });
    imported = res.body['id'] as string;
    const inspector = await tokenFor(a, ['inspector']);
    const flagged = await api('GET', '/api/v1/members/flagged', { token: inspector });
    expect(flagged.status).toBe(200);
    expect((flagged.body['items'] as { id: string }[]).map((m) => m.id)).toContain(imported);
  });

  it('records milestones in order, and refuses one that breaks a rule or comes too early', async () => {
    const ok = await api('POST', `/api/v1/party-orgs/${branch}/members`, {
      token: city.admin,
      body: { person: { ...person, name: '周建国', gender: 'male' }, milestones: history('2021-09-02') },
    });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ status: 'probationary', flags: [] });
    const id = ok.body['id'] as string;
    const full = await api('POST', `/api/v1/members/${id}/milestones`, {
      token: city.admin,
      body: { kind: 'full-member-approval', date: '2021-09-20' },
    });
    expect(full.status).toBe(200);
    expect(full.body).toMatchObject({ status: 'full', version: 2 });
    const early = await api('POST', `/api/v1/party-orgs/${branch}/members`, {
      token: city.admin,
      body: {
        person: { ...person, birthDate: '2008-01-01' },
        milestones: [
          { kind: 'application', date: '2024-06-01' },
          { kind: 'activist', date: '2024-07-01' },
        ],
      },
    });
    expect(early.status).toBe(422);
    expect((early.body['errors'] as { rule: string }[]).map((e) => e.rule).sort()).toEqual([
      'milestone-sequence',
      'min-age-at-application',
    ]);
  });

  it("applies a bureau's own rules: county A asks for a two-year probationary period", async () => {
    const rules = await api('GET', `/api/v1/org-units/${a}/milestone-rules`, { token: city.admin });
    expect(rules.body).toMatchObject({ source: 'default' });
    const own = rules.body['rules'] as { intervals: { id: string; min?: object }[] };
    own.intervals = own.intervals.map((r) => (r.id === 'probationary-year' ? { ...r, min: { years: 2 } } : r));
    const set = await api('PUT', `/api/v1/org-units/${a}/milestone-rules`, { token: await tokenFor(a, ['county-admin']), body: own });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ source: a, version: 1 });
    const res = await api('POST', `/api/v1/party-orgs/${branch}/members`, {
      token: city.admin,
      body: { person, milestones: history('2021-09-02') },
    });
    expect(res.status).toBe(422);
    expect(res.body['errors']).toEqual([expect.objectContaining({ rule: 'probationary-year' })]);
  });

  it('shows member data to the branch and its supervising bureaus only', async () => {
    expect((await api('GET', `/api/v1/members/${imported}`, { token: await tokenFor(school, ['school-secretary']) })).status).toBe(200);
    expect((await api('GET', `/api/v1/members/${imported}`, { token: await tokenFor(a, ['county-admin']) })).status).toBe(200);
    expect((await api('GET', `/api/v1/members/${imported}`, { token: await tokenFor(b, ['county-admin']) })).status).toBe(404);
    const analyst = await api('GET', `/api/v1/members/${imported}`, { token: await tokenFor(city.cityId, ['analyst']) });
    expect(analyst.status).toBe(403);
    const list = await api('GET', `/api/v1/party-orgs/${branch}/members`, { token: await tokenFor(city.cityId, ['analyst']) });
    expect(list.status).toBe(403);
  });

  it("gives analysts no personal names: a branch's responsible persons and a contact point's cadre without them", async () => {
    const cp = await city.ok('POST', '/api/v1/contact-points', {
      cadreAccountId: `${city.cityId}-cadre`,
      cadreName: '郑干部',
      cadreUnitId: a,
      schoolId: school,
      since: '2025-01-01',
    });
    const cpId = cp['id'] as string;
    const analyst = await tokenFor(city.cityId, ['analyst']);
    const secretary = await tokenFor(school, ['school-secretary']);
    const reads = async (token: string) => [
      (await api('GET', `/api/v1/party-orgs/${branch}`, { token })).body,
      ...((await api('GET', `/api/v1/org-units/${school}/party-orgs`, { token })).body as unknown as Record<string, unknown>[]),
      (await api('GET', `/api/v1/contact-points/${cpId}`, { token })).body,
      ...((await api('GET', `/api/v1/org-units/${school}/contact-points`, { token })).body as unknown as Record<string, unknown>[]),
    ];
    const analystSees = await reads(analyst);
    expect(analystSees).toHaveLength(4);
    for (const answer of analystSees) expect(JSON.stringify(answer)).not.toMatch(/黄书记|吴老师|郑干部/);
    expect(analystSees[0]).toMatchObject({ id: branch, principal: {}, deputy: {} });
    expect(analystSees[0]['principal']).not.toHaveProperty('name');
    expect(analystSees[2]).toMatchObject({ id: cpId, cadreAccountId: `${city.cityId}-cadre` });
    expect(analystSees[2]).not.toHaveProperty('cadreName');
    // the school and the bureaus above it keep reading the names
    const secretarySees = await reads(secretary);
    expect(secretarySees[0]).toMatchObject({ principal: { name: '黄书记' }, deputy: { name: '吴老师' } });
    expect(secretarySees[2]).toMatchObject({ cadreName: '郑干部' });
    expect(JSON.stringify(secretarySees[3])).toContain('郑干部');
  });

  it('keeps the history when a member transfers to a branch in another county', async () => {
    const other = `${city.cityId}-s3`;
    await city.ok('POST', '/api/v1/org-units', { id: other, code: 'S3', name: '第三中学', kind: 'school', parentId: b });
    await city.ok('POST', '/api/v1/party-orgs', {
      id: `${other}-b1`,
      unitId: other,
      kind: 'branch',
      name: '第三中学党支部',
      principal: { name: '郑书记' },
      deputy: { name: '孙老师' },
    });
    const moved = await api('POST', `/api/v1/members/${imported}/transfer`, {
      token: city.admin,
      body: { toPartyOrgId: `${other}-b1`, date: '2025-03-01' },
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({
      partyOrgId: `${other}-b1`,
      unitId: other,
      transfers: [expect.objectContaining({ fromPartyOrgId: branch, toPartyOrgId: `${other}-b1` })],
    });
    expect((moved.body['milestones'] as unknown[]).length).toBe(9);
    expect((await api('GET', `/api/v1/members/${imported}`, { token: await tokenFor(a, ['county-admin']) })).status).toBe(404);
    expect((await api('GET', `/api/v1/members/${imported}`, { token: await tokenFor(b, ['county-admin']) })).status).toBe(200);
  });

  it('publishes member events with ids, statuses and counts, and no personal data', async () => {
    await outboxesDrained(client);
    const records = await readToEnd([Topics.members], (r) => r.key === school || r.value['memberId'] === imported);
    expect(records.some((r) => r.headers['ce_type'] === MemberRegisteredV1.type && r.value['memberId'] === imported)).toBe(true);
    for (const r of records) {
      for (const secret of [person.name, '周建国', person.idNumber, person.birthDate, '2021-06-01', '2019-03-01'])
        expect(r.raw).not.toContain(secret);
      expect(Object.keys(r.value).sort()).toEqual(
        expect.arrayContaining(['flaggedRuleCount', 'imported', 'memberId', 'milestoneCount', 'partyOrgId', 'status', 'unitId', 'version']),
      );
    }
  });
});

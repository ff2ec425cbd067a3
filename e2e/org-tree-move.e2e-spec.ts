import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { MongoClient } from 'mongodb';
import { OrgUnitMovedV1, PartyOrgAffiliationChangedV1, Topics } from '@pb/contracts';
import { api, eventually, mongo, tokenFor } from './support/env.js';
import { buildCity, outboxesDrained, readToEnd } from './support/orgs.js';

// A school of county A, with a campus under it and three party organisations, moves to county B.
describe('moving a county school to another county', () => {
  let client: MongoClient;
  let city: Awaited<ReturnType<typeof buildCity>>;
  let a: string, b: string, school: string, campus: string;
  let moveId: string;

  beforeAll(async () => {
    client = await mongo();
    city = await buildCity(['a', 'b']);
    a = city.countyIds['a']!;
    b = city.countyIds['b']!;
    school = `${city.cityId}-s1`;
    campus = `${city.cityId}-s1-east`;
    await city.ok('POST', '/api/v1/org-units/batch', {
      units: [
        { id: school, code: 'S1', name: '第一中学', kind: 'school', parentId: a, openedOn: '1998-09-01' },
        { id: campus, code: 'S1-EAST', name: '第一中学东校区', kind: 'unit', parentId: school },
      ],
    });
    const person = { name: '张书记', title: '党委书记' };
    await city.ok('POST', '/api/v1/party-orgs', {
      id: `${school}-pc`,
      unitId: school,
      kind: 'committee',
      name: '第一中学党委',
      principal: person,
      deputy: { name: '李副书记' },
    });
    await city.ok('POST', '/api/v1/party-orgs', {
      id: `${school}-b1`,
      unitId: school,
      kind: 'branch',
      name: '第一中学第一党支部',
      parentPartyOrgId: `${school}-pc`,
      routing: 'both-levels',
      principal: { name: '王老师' },
      deputy: { name: '赵老师' },
    });
    // City-supervised (市直管): stays with the city after the move.
    await city.ok('POST', '/api/v1/party-orgs', {
      id: `${campus}-b1`,
      unitId: campus,
      kind: 'branch',
      name: '东校区党支部',
      supervisorId: city.cityId,
      principal: { name: '陈老师' },
      deputy: { name: '周老师' },
    });
  });
  afterAll(async () => {
    await client.close();
  });

  it('defaults the affiliation to the county and routes both-levels to county and city', async () => {
    const pc = await api('GET', `/api/v1/party-orgs/${school}-pc`, { token: city.admin });
    expect(pc.body).toMatchObject({ supervisorId: a, routing: 'single', reviewerIds: [a] });
    const b1 = await api('GET', `/api/v1/party-orgs/${school}-b1`, { token: city.admin });
    expect(b1.body).toMatchObject({ supervisorId: a, routing: 'both-levels', reviewerIds: [a, city.cityId] });
  });

  it('moves the school: its path, level and every descendant follow', async () => {
    const res = await api('POST', `/api/v1/org-units/${school}/move`, { token: city.admin, body: { parentId: b } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: school, parentId: b, path: [city.cityId, b, school], level: 2, version: 2, descendants: 1 });
    moveId = res.body['moveId'] as string;
    const moved = await api('GET', `/api/v1/org-units/${campus}`, { token: city.admin });
    expect(moved.body).toMatchObject({ parentId: school, path: [city.cityId, b, school, campus], level: 3, version: 2 });
    const subtreeA = await api('GET', `/api/v1/org-units/${a}/subtree`, { token: city.admin });
    expect(subtreeA.body).toEqual({ items: [], nextCursor: null, next: null });
    const subtreeB = await api('GET', `/api/v1/org-units/${b}/subtree`, { token: city.admin });
    expect((subtreeB.body['items'] as { id: string }[]).map((u) => u.id).sort()).toEqual([school, campus].sort());
  });

  it('keeps the history of the move on the unit', async () => {
    const res = await api('GET', `/api/v1/org-units/${school}/history`, { token: city.admin });
    expect(res.body).toEqual([
      expect.objectContaining({ version: 1, change: 'created', path: [city.cityId, a, school] }),
      expect.objectContaining({
        version: 2,
        change: 'moved',
        moveId,
        previousPath: [city.cityId, a, school],
        path: [city.cityId, b, school],
      }),
    ]);
  });

  it('routes the party organisations to the new county, except the city-supervised one', async () => {
    const pc = await api('GET', `/api/v1/party-orgs/${school}-pc`, { token: city.admin });
    expect(pc.body).toMatchObject({ supervisorId: b, reviewerIds: [b], version: 2 });
    const b1 = await api('GET', `/api/v1/party-orgs/${school}-b1`, { token: city.admin });
    expect(b1.body).toMatchObject({ supervisorId: b, routing: 'both-levels', reviewerIds: [b, city.cityId], version: 2 });
    const east = await api('GET', `/api/v1/party-orgs/${campus}-b1`, { token: city.admin });
    expect(east.body).toMatchObject({ supervisorId: city.cityId, reviewerIds: [city.cityId], version: 1 });
  });

  it('publishes one moved event per unit keyed by its own id, and affiliation changes keyed by the unit', async () => {
    await outboxesDrained(client);
    const records = await readToEnd([Topics.orgUnits, Topics.partyOrgs], (r) => r.value['moveId'] === moveId);
    const moves = records.filter((r) => r.headers['ce_type'] === OrgUnitMovedV1.type);
    expect(moves.map((r) => r.key).sort()).toEqual([school, campus].sort());
    expect(moves.find((r) => r.key === campus)?.value).toMatchObject({
      unitId: campus,
      moveRootId: school,
      previousPath: [city.cityId, a, school, campus],
      path: [city.cityId, b, school, campus],
      level: 3,
      version: 2,
    });
    const affiliations = records.filter((r) => r.headers['ce_type'] === PartyOrgAffiliationChangedV1.type);
    expect(affiliations.map((r) => r.value['partyOrgId']).sort()).toEqual([`${school}-b1`, `${school}-pc`]);
    for (const r of affiliations) {
      expect(r.key).toBe(school);
      expect(r.value).toMatchObject({ previousSupervisorId: a, supervisorId: b, reason: 'unit-moved' });
    }
  });

  it("answers 404 to county A's administrator now, and shows the school to county B's", async () => {
    const countyA = await tokenFor(a, ['county-admin']);
    const countyB = await tokenFor(b, ['county-admin']);
    expect((await api('GET', `/api/v1/org-units/${school}`, { token: countyA })).status).toBe(404);
    expect((await api('GET', `/api/v1/party-orgs/${school}-pc`, { token: countyA })).status).toBe(404);
    expect((await api('GET', `/api/v1/org-units/${school}`, { token: countyB })).status).toBe(200);
    // A county administrator cannot move a school into a county it does not reach.
    const away = await api('POST', `/api/v1/org-units/${school}/move`, { token: countyB, body: { parentId: a } });
    expect(away.status).toBe(404);
  });

  it('refuses a move under its own subtree, and a close while children are open', async () => {
    const cycle = await api('POST', `/api/v1/org-units/${school}/move`, { token: city.admin, body: { parentId: campus } });
    expect(cycle.status).toBe(422);
    expect(cycle.body['errors']).toEqual([expect.objectContaining({ rule: 'no-cycle' })]);
    const close = await api('POST', `/api/v1/org-units/${school}/close`, { token: city.admin, body: { closedOn: '2026-01-31' } });
    expect(close.status).toBe(409);
    expect(close.body['errors']).toEqual([expect.objectContaining({ rule: 'no-open-children' })]);
  });

  it('lets a school secretary read its school but not create or move units', async () => {
    const secretary = await tokenFor(school, ['school-secretary']);
    expect((await api('GET', `/api/v1/org-units/${campus}`, { token: secretary })).status).toBe(200);
    expect((await api('GET', `/api/v1/org-units/${b}`, { token: secretary })).status).toBe(404);
    const create = await api('POST', '/api/v1/org-units', {
      token: secretary,
      body: { code: 'X1', name: '分校', kind: 'unit', parentId: school },
    });
    expect(create.status).toBe(403);
  });
});

// A 学区 of 120 schools moves: the answer (202) comes once the district has moved, the schools follow.
describe('moving a large subtree', () => {
  it('answers 202 at once and every descendant follows, each with its moved event', async () => {
    const city = await buildCity(['a', 'b']);
    const [a, b] = [city.countyIds['a'], city.countyIds['b']];
    const district = `${city.cityId}-d1`;
    const schools = Array.from({ length: 120 }, (_, i) => ({
      id: `${district}-s${i}`,
      code: `D1-S${i}`,
      name: `学区第${i}小学`,
      kind: 'school',
      parentId: district,
    }));
    await city.ok('POST', '/api/v1/org-units/batch', {
      units: [{ id: district, code: 'D1', name: '第一学区', kind: 'unit', parentId: a }, ...schools],
    });

    const res = await api('POST', `/api/v1/org-units/${district}/move`, { token: city.admin, body: { parentId: b } });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ id: district, parentId: b, path: [city.cityId, b, district], descendants: 120, following: true });

    const moveId = res.body['moveId'] as string;
    const records = await eventually(
      'all 121 moved events',
      async () => {
        const found = await readToEnd(
          [Topics.orgUnits],
          (r) => r.value['moveId'] === moveId && r.headers['ce_type'] === OrgUnitMovedV1.type,
        );
        return found.length >= 121 ? found : undefined;
      },
      120_000,
    );
    expect(new Set(records.map((r) => r.key)).size).toBe(121);
    for (const s of [schools[0], schools[119]]) {
      const unit = await api('GET', `/api/v1/org-units/${s.id}`, { token: city.admin });
      expect(unit.body).toMatchObject({ parentId: district, path: [city.cityId, b, district, s.id], level: 3 });
    }
  }, 180_000);
});

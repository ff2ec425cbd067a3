import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { MongoClient } from 'mongodb';
import { Topics } from '@pb/contracts';
import { api, kafka, mongo } from './support/env.js';
import { buildCity, outboxesDrained, readToEnd } from './support/orgs.js';

type State = Record<string, unknown> & { version: number };

/** Folds a compacted topic: the record with the highest version per key wins (what compaction leaves). */
function fold(records: { key: string; value: Record<string, unknown> }[]): Map<string, State> {
  const latest = new Map<string, State>();
  for (const r of records) {
    const v = r.value as State;
    if ((latest.get(r.key)?.version ?? 0) < v.version) latest.set(r.key, v);
  }
  return latest;
}

// A consumer that starts after the fact rebuilds the tree and the affiliations from the state topics alone.
describe('bootstrapping from the compacted state topics', () => {
  let client: MongoClient;
  let city: Awaited<ReturnType<typeof buildCity>>;

  beforeAll(async () => {
    client = await mongo();
    city = await buildCity(['north', 'south']);
    const { cityId, countyIds } = city;
    const units = [];
    for (let i = 1; i <= 6; i++) {
      units.push({ id: `${cityId}-n${i}`, code: `N${i}`, name: `北区第${i}小学`, kind: 'school', parentId: countyIds['north'] });
    }
    units.push({ id: `${cityId}-direct`, code: 'D1', name: '市直实验中学', kind: 'school', parentId: cityId });
    await city.ok('POST', '/api/v1/org-units/batch', { units });
    for (const u of units) {
      await city.ok('POST', '/api/v1/party-orgs', {
        id: `${u.id}-b`,
        unitId: u.id,
        kind: 'branch',
        name: `${u.name}党支部`,
        principal: { name: '书记' },
        deputy: { name: '委员' },
      });
    }
    // History the late consumer must see the end of: renames, a move, a routing change.
    await city.ok('PATCH', `/api/v1/org-units/${cityId}-n1`, { name: '北区第一实验小学' }, 200);
    await city.ok('POST', `/api/v1/org-units/${cityId}-n2/move`, { parentId: countyIds['south'] }, 200);
    await city.ok('PUT', `/api/v1/party-orgs/${cityId}-n3-b/affiliation`, { supervisorId: cityId, routing: 'both-levels' }, 200);
    await outboxesDrained(client);
  });
  afterAll(async () => {
    await client.close();
  });

  it('creates both state topics compacted', async () => {
    const admin = kafka().admin();
    await admin.connect();
    try {
      const described = await admin.describeConfigs({
        resources: [Topics.orgUnitsState, Topics.partyOrgsState].map((name) => ({ type: 2, name, configNames: ['cleanup.policy'] })),
        includeSynonyms: false,
      });
      for (const r of described.resources)
        expect(r.configEntries.find((e) => e.configName === 'cleanup.policy')?.configValue).toBe('compact');
    } finally {
      await admin.disconnect();
    }
  });

  it('rebuilds every unit of the city, with its latest path, level and name', async () => {
    const records = await readToEnd([Topics.orgUnitsState], (r) => (r.value['path'] as string[] | undefined)?.[0] === city.cityId);
    const tree = fold(records);
    const fromApi = await api('GET', `/api/v1/org-units/${city.cityId}/subtree?limit=500`, { token: city.admin });
    const expected = [await api('GET', `/api/v1/org-units/${city.cityId}`, { token: city.admin }), ...[]]
      .map((r) => r.body)
      .concat(fromApi.body['items'] as Record<string, unknown>[]);
    expect(tree.size).toBe(expected.length);
    for (const unit of expected) {
      expect(tree.get(unit['id'] as string)).toMatchObject({
        name: unit['name'],
        parentId: unit['parentId'],
        path: unit['path'],
        level: unit['level'],
        version: unit['version'],
      });
    }
    expect(tree.get(`${city.cityId}-n2`)).toMatchObject({ parentId: city.countyIds['south'], level: 2 });
    expect(tree.get(`${city.cityId}-n1`)).toMatchObject({ name: '北区第一实验小学', version: 2 });
  });

  it('rebuilds every party organisation with its affiliation and reviewers, keyed by its own id', async () => {
    const unitIds = new Set([...Array(6).keys()].map((i) => `${city.cityId}-n${i + 1}`).concat(`${city.cityId}-direct`));
    const records = await readToEnd([Topics.partyOrgsState], (r) => unitIds.has(r.value['unitId'] as string));
    const orgs = fold(records);
    expect(orgs.size).toBe(7);
    for (const [key, org] of orgs) expect(org['partyOrgId']).toBe(key);
    expect(orgs.get(`${city.cityId}-n1-b`)).toMatchObject({
      supervisorId: city.countyIds['north'],
      reviewerIds: [city.countyIds['north']],
    });
    expect(orgs.get(`${city.cityId}-n2-b`)).toMatchObject({
      supervisorId: city.countyIds['south'],
      reviewerIds: [city.countyIds['south']],
      version: 2,
    });
    expect(orgs.get(`${city.cityId}-n3-b`)).toMatchObject({
      supervisorId: city.cityId,
      routing: 'both-levels',
      reviewerIds: [city.countyIds['north'], city.cityId],
    });
    expect(orgs.get(`${city.cityId}-direct-b`)).toMatchObject({ supervisorId: city.cityId, reviewerIds: [city.cityId] });
    for (const org of orgs.values()) expect(JSON.stringify(org)).not.toMatch(/书记|委员/);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { MongoClient } from 'mongodb';
import type { IHeaders } from 'kafkajs';
import { OrgUnitCreatedV1, Topics } from '@pb/contracts';
import { api, dbOf, e2e, eventually, kafka, mongo, tokenFor, uniqueId } from './support/env.js';

// First proof through the real broker: a request to the gateway makes org-registry store a unit in
// its own database and publish an event; reporting consumes it and stores it in its own database.
describe('an org unit created through the gateway reaches reporting through Kafka', () => {
  let client: MongoClient;
  const cityId = uniqueId('city');
  const schoolId = uniqueId('school');
  const correlationId = uniqueId('corr');
  let cityAdmin: string;

  beforeAll(async () => {
    client = await mongo();
    cityAdmin = await tokenFor(cityId, ['city-admin']);
  });
  afterAll(async () => {
    await client.close();
  });

  it('creates the city bureau and a school under it through the gateway', async () => {
    const city = await api('POST', '/api/v1/org-units', {
      token: cityAdmin,
      body: { id: cityId, code: cityId.toUpperCase(), name: '示范市教育局', kind: 'city-bureau', parentId: null },
    });
    expect(city.status).toBe(201);
    const school = await api('POST', '/api/v1/org-units', {
      token: cityAdmin,
      body: { id: schoolId, code: schoolId.toUpperCase(), name: '第一中学', kind: 'school', parentId: cityId },
      headers: { 'x-correlation-id': correlationId },
    });
    expect(school.status).toBe(201);
    expect(school.headers.get('x-correlation-id')).toBe(correlationId);
    expect(school.body).toMatchObject({ id: schoolId, path: [cityId, schoolId], level: 1, kind: 'school' });
  });

  it("stores the school in org-registry's own database and empties its outbox once published", async () => {
    const units = client.db(dbOf('org-registry')).collection<{ _id: string; outbox: unknown[] }>('org_units');
    const doc = await units.findOne({ _id: schoolId });
    expect(doc).toMatchObject({ code: schoolId.toUpperCase(), path: [cityId, schoolId], level: 1 });
    await eventually('the outbox to be empty', async () => ((await units.findOne({ _id: schoolId }))?.outbox.length === 0 ? true : null));
  });

  it("stores the school in reporting's own database, fed only by the event", async () => {
    const refs = client.db(dbOf('reporting')).collection<{ _id: string }>('org_units');
    const ref = await eventually('reporting to apply the event', () => refs.findOne({ _id: schoolId }));
    expect(ref).toMatchObject({ _id: schoolId, kind: 'school', parentId: cityId, path: [cityId, schoolId], level: 1, version: 1 });
    // Applied once, in the same write as the effect: the row records the version and the event it reflects.
    expect((ref as unknown as { lastEventId: string }).lastEventId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('publishes a CloudEvents record keyed by the org unit, with the request correlation id', async () => {
    const consumer = kafka().consumer({ groupId: uniqueId(`${e2e.run}-probe`), maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: Topics.orgUnits, fromBeginning: true });
    let found: { headers: IHeaders; value: string } | undefined;
    await consumer.run({
      eachMessage: ({ message }) => {
        if (message.key?.toString() === schoolId) {
          found = { headers: message.headers ?? {}, value: message.value?.toString() ?? '' };
        }
        return Promise.resolve();
      },
    });
    try {
      const record = await eventually('the record on orgs.units.v1', () => Promise.resolve(found), 60_000);
      const h = Object.fromEntries(Object.entries(record.headers).map(([k, v]) => [k, v?.toString()]));
      expect(h).toMatchObject({
        ce_specversion: '1.0',
        ce_type: OrgUnitCreatedV1.type,
        ce_source: '/cn/edu/partybuilding/org-registry',
        ce_subject: `org-units/${schoolId}`,
        ce_dataschema: OrgUnitCreatedV1.dataschema,
        'content-type': 'application/json',
        'correlation-id': correlationId,
      });
      expect(h['ce_id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(new Date(h['ce_time'] ?? '').toISOString()).toBe(h['ce_time']);
      expect(JSON.parse(record.value)).toMatchObject({ unitId: schoolId, kind: 'school', parentId: cityId, version: 1 });
    } finally {
      await consumer.disconnect();
    }
  });

  it('refuses an unauthenticated caller with 401 problem+json in the default language', async () => {
    const res = await api('GET', `/api/v1/org-units/${schoolId}`);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body['title']).toBe('未认证');
  });

  it("answers 404 for another city's unit and names invalid fields in the caller's language", async () => {
    const stranger = await tokenFor(uniqueId('other-city'), ['city-admin']);
    expect((await api('GET', `/api/v1/org-units/${schoolId}`, { token: stranger })).status).toBe(404);
    const bad = await api('POST', '/api/v1/org-units', {
      token: cityAdmin,
      body: { code: 'bad code!', name: '', kind: 'school', parentId: cityId },
      headers: { 'accept-language': 'en' },
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(bad.body['errors']).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ pointer: '/code', rule: 'pattern' }),
        expect.objectContaining({ pointer: '/name', rule: 'minLength', message: 'must have at least 1 characters' }),
      ]),
    );
  });
});

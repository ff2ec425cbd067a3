import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Consumer } from 'kafkajs';
import { Topics, TrainingCertifiedV1 } from '@pb/contracts';
import { api, eventually, kafka, tokenFor, uniqueId } from './support/env.js';
import { buildCity } from './support/orgs.js';

// Training through the gateway, with every service running: a county's programme, a school's teacher
// at 31 then 32 of 32 hours, the certified event on the analysts' topic, the yearly totals kept from
// it, and who sees rosters and totals (issue 18).
const YEAR = 2031;

interface Seen {
  type: string;
  key: string;
  raw: string;
  data: Record<string, unknown>;
}

describe('training: certification (认定) and yearly totals through the gateway', () => {
  let city: Awaited<ReturnType<typeof buildCity>>;
  let k1 = '';
  let k2 = '';
  let s1 = '';
  let county1 = '';
  let county2 = '';
  let school1 = '';
  let analyst = '';
  let teacherId = '';
  let programmeId = '';
  let consumer: Consumer;
  const seen: Seen[] = [];
  const totals = (token: string, unit: string) => api('GET', `/api/v1/training/totals?unit=${unit}&year=${YEAR}`, { token });

  beforeAll(async () => {
    city = await buildCity(['k1', 'k2']);
    k1 = city.countyIds['k1']!;
    k2 = city.countyIds['k2']!;
    s1 = `${k1}-s1`;
    await city.ok('POST', '/api/v1/org-units', { id: s1, code: 'S1', name: '第一中学', kind: 'school', parentId: k1 });
    [county1, county2, school1, analyst] = await Promise.all([
      tokenFor(k1, ['county-admin']),
      tokenFor(k2, ['county-admin']),
      tokenFor(s1, ['school-secretary']),
      tokenFor(city.cityId, ['analyst']),
    ]);
    consumer = kafka().consumer({ groupId: uniqueId('e2e-training-probe'), maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: Topics.trainingRecords, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        const raw = message.value?.toString() ?? '{}';
        const type = message.headers?.['ce_type']?.toString() ?? '';
        seen.push({ type, key: message.key?.toString() ?? '', raw, data: JSON.parse(raw) as Record<string, unknown> });
        return Promise.resolve();
      },
    });
    // The school reaches training through org-registry's events: its roster opens once training knows it.
    teacherId = await eventually(
      'training to know the school',
      async () => {
        const res = await api('POST', `/api/v1/training/schools/${s1}/teachers`, {
          token: school1,
          body: { name: '周晓梅', staffNumber: 'ZXM01', subject: '物理', birthYear: 1983, partyMember: true },
        });
        return res.status === 201 ? (res.body['id'] as string) : null;
      },
      120_000,
    );
  }, 180_000);
  afterAll(async () => {
    await consumer?.disconnect();
  });

  it('31 of 32 hours is not certified; one more session certifies, publishes the event and changes the school totals', async () => {
    const made = await api('POST', '/api/v1/training/programmes', {
      token: county1,
      body: {
        title: '新课程标准学科培训',
        category: 'subject-teaching',
        requiredHours: 32,
        year: YEAR,
        term: 'spring',
        assessment: 'none',
        capacity: 40,
      },
    });
    expect(made.status).toBe(201);
    programmeId = made.body['id'] as string;
    const days: [string, number][] = [
      ['2031-03-01', 8],
      ['2031-03-08', 8],
      ['2031-03-15', 8],
      ['2031-03-22', 7],
      ['2031-03-29', 1],
    ];
    for (const [date, hours] of days) {
      expect(
        (await api('POST', `/api/v1/training/programmes/${programmeId}/sessions`, { token: county1, body: { date, hours } })).status,
      ).toBe(201);
    }
    expect(
      (await api('POST', `/api/v1/training/programmes/${programmeId}/enrolments`, { token: school1, body: { teacherId } })).status,
    ).toBe(201);
    const attend = (sessionId: string) =>
      api('POST', `/api/v1/training/programmes/${programmeId}/attendance`, { token: school1, body: { sessionId, teacherId } });
    let last = await attend(days[0][0]);
    for (const [date] of days.slice(1, 4)) last = await attend(date);
    expect(last.body).toMatchObject({ hours: 31, completed: false, certified: false });
    await eventually('the school totals to count 31 hours', async () => {
      const t = await totals(school1, s1);
      return t.body['hours'] === 31 ? t.body : null;
    });
    expect((await totals(school1, s1)).body).toMatchObject({ enrolments: 1, completed: 0, certified: 0, certificationRate: 0 });

    const certified = await attend(days[4][0]);
    expect(certified.status).toBe(200);
    expect(certified.body).toMatchObject({ hours: 32, completed: true, certified: true });

    const record = await eventually('the certified event on training.records.v1', () =>
      Promise.resolve(seen.find((r) => r.type === TrainingCertifiedV1.type && r.data['teacherId'] === teacherId)),
    );
    expect(record.key).toBe(s1);
    expect(record.data).toMatchObject({ unitId: s1, programmeId, year: YEAR, certified: true, byException: false });
    const after = await eventually('the school totals to count the certification', async () => {
      const t = await totals(school1, s1);
      return t.body['certified'] === 1 ? t.body : null;
    });
    expect(after).toMatchObject({ enrolments: 1, completed: 1, certified: 1, hours: 32, completionRate: 100, certificationRate: 100 });
  });

  it("a county administrator sees its schools' rosters and totals; another county's gets 404", async () => {
    const roster = await api('GET', `/api/v1/training/schools/${s1}/teachers`, { token: county1 });
    expect(roster.status).toBe(200);
    expect(roster.body['items']).toEqual([expect.objectContaining({ id: teacherId, name: '周晓梅', staffNumber: 'ZXM01' })]);
    const county = await eventually('the county totals', async () => {
      const t = await totals(county1, k1);
      return t.body['certified'] === 1 ? t.body : null;
    });
    expect(county['children']).toEqual([expect.objectContaining({ unitId: s1, certified: 1 })]);

    expect((await api('GET', `/api/v1/training/schools/${s1}/teachers`, { token: county2 })).status).toBe(404);
    expect((await api('GET', `/api/v1/training/teachers/${teacherId}`, { token: county2 })).status).toBe(404);
    expect((await totals(county2, s1)).status).toBe(404);
    expect((await totals(county2, k1)).status).toBe(404);
  });

  it('an analyst sees totals but no names, on REST and on Kafka', async () => {
    const cityTotals = await eventually('the city totals', async () => {
      const t = await totals(analyst, city.cityId);
      return t.body['certified'] === 1 ? t : null;
    });
    expect(cityTotals.status).toBe(200);
    const schoolTotals = await totals(analyst, s1);
    expect(schoolTotals.body).toMatchObject({ certified: 1, hours: 32 });
    const rest = JSON.stringify([cityTotals.body, schoolTotals.body]);
    for (const personal of ['周晓梅', 'ZXM01', ':1983']) expect(rest).not.toContain(personal);
    expect((await api('GET', `/api/v1/training/schools/${s1}/teachers`, { token: analyst })).status).toBe(403);
    expect((await api('GET', `/api/v1/training/teachers/${teacherId}`, { token: analyst })).status).toBe(403);
    expect((await api('GET', `/api/v1/training/programmes/${programmeId}/enrolments`, { token: analyst })).status).toBe(403);

    const ours = seen.filter((r) => r.data['teacherId'] === teacherId);
    expect(ours.length).toBeGreaterThanOrEqual(5); // enrolled, four attendances before the last, certified...
    const onTopic = ours.map((r) => r.raw).join('\n');
    for (const personal of ['周晓梅', 'ZXM01', ':1983', '"name"', 'staffNumber', 'birthYear']) expect(onTopic).not.toContain(personal);
  });
});

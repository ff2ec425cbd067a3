import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Consumer } from 'kafkajs';
import { Topics } from '@pb/contracts';
import { eventually, identity as as, seedUnit, shanghai, startAtEnd, startService, testKafka, type ServiceUnderTest } from '@pb/testing';
import { TeachersModule } from '../teachers/teachers.module.js';
import { AssignmentRunner } from './assignment.runner.js';
import { cadreSettings } from './cadres.config.js';
import { CadresModule } from './cadres.module.js';
import { addDays, cityToday } from './city-dates.js';
import { RosterPeople } from './roster-people.js';

// Cadre development on the real store and broker: a city with two counties, a school in each and a
// city-direct high-quality school; the runner driven by explicit instants (its timer off).
const run = randomBytes(3).toString('hex');
const [C, K1, K2, S1, S2, Q] = ['city', 'k1', 'k2', 's1', 's2', 'q'].map((n) => `${n}-${run}`);
const TODAY = cityToday(new Date(), 'Asia/Shanghai');
const day = (n: number) => addDays(TODAY, n);
/** Noon in the city on `date`: the runner's instant for that day. */
const noonOf = (date: string) => shanghai(`${date}T12:00`);

interface Seen {
  type: string;
  data: { assignmentId: string; status: string; daysLeft?: number; grade: string | null; [k: string]: unknown };
}

describe('training: cadre development (干部培养)', () => {
  let app: NestFastifyApplication;
  let call: ServiceUnderTest['call'];
  let consumer: Consumer;
  const seen: Seen[] = [];
  const secretary = as(`s1-${run}`, ['school-secretary']);
  const county = as(`k1-${run}`, ['county-admin']);
  const teachers: Record<string, string> = {};
  let supportId = '';

  async function teacher(school: string, name: string, birthYear: number): Promise<string> {
    const res = await call(as(school, ['school-secretary']), 'POST', `/api/v1/training/schools/${school}/teachers`, {
      name,
      staffNumber: `T${Object.keys(teachers).length}${run}`,
      subject: '语文',
      birthYear,
      partyMember: true,
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }
  const eventsOf = (id: string) => seen.filter((e) => e.data.assignmentId === id).map((e) => e.type.split('.').slice(-3, -1).join('.'));

  beforeAll(async () => {
    const groupId = `it-training-cadres-${run}`;
    await startAtEnd(groupId, [Topics.orgUnitsState]);
    ({ app, call } = await startService(
      {
        service: 'training',
        consume: true,
        features: () => [
          TeachersModule,
          CadresModule.register({ settings: { ...cadreSettings({}), tickMs: 0 }, people: RosterPeople, imports: [TeachersModule] }),
        ],
      },
      { db: `it_training_c_${run}`, groupId },
    ));
    await seedUnit(app, { path: [C], kind: 'city-bureau' });
    await seedUnit(app, { path: [C, K1], kind: 'county-bureau' });
    await seedUnit(app, { path: [C, K2], kind: 'county-bureau' });
    await seedUnit(app, { path: [C, K1, S1], kind: 'school' });
    await seedUnit(app, { path: [C, K2, S2], kind: 'school' });
    await seedUnit(app, { path: [C, Q], kind: 'school' });
    teachers['old'] = await teacher(S1, '张书记', 1968);
    teachers['mid'] = await teacher(S1, '李校长', 1980);
    teachers['young'] = await teacher(S1, '王老师', 1996);
    teachers['other'] = await teacher(S2, '赵老师', 1985);

    const kafka = testKafka(`it-cadres-${run}`);
    consumer = kafka.consumer({ groupId: `it-cadres-watch-${run}` });
    await consumer.connect();
    await consumer.subscribe({ topic: Topics.trainingAssignments, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        const type = message.headers?.['ce_type']?.toString() ?? '';
        seen.push({ type, data: JSON.parse(message.value?.toString() ?? '{}') as Seen['data'] });
        return Promise.resolve();
      },
    });
  });
  afterAll(async () => {
    await consumer?.disconnect();
    await app?.close();
  });

  it('refuses an overlapping secondment with a 409 naming the other assignment and its dates, in Chinese and English', async () => {
    const first = await call(secretary, 'POST', '/api/v1/secondments', {
      id: `sec-${run}`,
      teacherId: teachers['mid'],
      kind: 'high-quality-school',
      hostUnitId: Q,
      startsOn: day(1),
      endsOn: day(20),
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ status: 'planned', homeUnitId: S1, hostUnitId: Q, evaluation: null });
    const body = { teacherId: teachers['mid'], hostUnitId: Q, term: '2026-2027-1', startsOn: day(15), endsOn: day(40) };
    const zh = await call(secretary, 'POST', '/api/v1/teaching-supports', body);
    expect(zh.status).toBe(409);
    expect(zh.headers['content-type']).toContain('application/problem+json');
    expect(zh.body.type).toMatch(/assignment-overlap$/);
    expect(zh.body.detail).toContain(`sec-${run}`);
    expect(zh.body.detail).toContain(`${day(1)} 至 ${day(20)}`);
    expect(zh.body.errors.map((e: { pointer: string; rule: string }) => [e.pointer, e.rule])).toEqual([
      ['/startsOn', 'no-overlap'],
      ['/endsOn', 'no-overlap'],
    ]);
    const en = await call(secretary, 'POST', '/api/v1/teaching-supports', body, { 'accept-language': 'en' });
    expect(en.body.detail).toContain(`from ${day(1)} to ${day(20)}`);
    // The day after it ends is free.
    const after = await call(secretary, 'POST', '/api/v1/teaching-supports', { ...body, startsOn: day(21) });
    expect(after.status).toBe(201);
    supportId = after.body.id as string;
  });

  it('lets only one of three overlapping secondments sent at once through (the person lease)', async () => {
    const person = await teacher(S1, '陈老师', 1984);
    const body = (n: number) => ({ teacherId: person, kind: 'bureau', hostUnitId: K1, startsOn: day(300 + n), endsOn: day(320 + n) });
    const answers = await Promise.all([1, 2, 3].map((n) => call(secretary, 'POST', '/api/v1/secondments', body(n))));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409]);
    const list = await call(county, 'GET', `/api/v1/cadres/assignments?unit=${S1}&limit=100`);
    expect(list.body.items.filter((a: { teacherId: string }) => a.teacherId === person)).toHaveLength(1);
  });

  it('starts on the start date, reminds once before the end, ends after the end date: each event on training.assignments.v1', async () => {
    const runner = app.get(AssignmentRunner);
    const id = `sec-${run}`;
    expect((await runner.tick(noonOf(day(0)))).started).not.toContain(id);
    expect((await runner.tick(noonOf(day(1)))).started).toContain(id);
    expect((await call(county, 'GET', `/api/v1/secondments/${id}`)).body.status).toBe('active');
    // 14 days before the end (day 20) is day 6: the reminder, once.
    expect((await runner.tick(noonOf(day(5)))).reminded).not.toContain(id);
    expect((await runner.tick(noonOf(day(6)))).reminded).toContain(id);
    expect((await runner.tick(noonOf(day(7)))).reminded).not.toContain(id);
    expect((await runner.tick(noonOf(day(20)))).ended).not.toContain(id);
    const day21 = await runner.tick(noonOf(day(21)));
    expect(day21.ended).toContain(id);
    // The teaching support that follows starts the same day (teaching-support.started).
    expect(day21.started).toEqual([supportId]);
    const ended = await call(county, 'GET', `/api/v1/secondments/${id}`);
    expect(ended.body).toMatchObject({ status: 'ended', endedOn: day(20), evaluation: null });
    await eventually('the events on Kafka', () => Promise.resolve(eventsOf(id).length >= 3));
    expect(eventsOf(id)).toEqual(['secondment.started', 'assignment.ending-soon', 'secondment.ended']);
    const soon = seen.find((e) => e.data.assignmentId === id && e.type.includes('ending-soon'))!;
    expect(soon.data).toMatchObject({ daysLeft: 14, homeUnitId: S1, hostUnitId: Q, homeUnitPath: [C, K1, S1], hostUnitPath: [C, Q] });
    // Pseudonymous ids only: no teacher's name on the topic.
    expect(JSON.stringify(seen)).not.toMatch(/李校长|张书记|王老师/);

    // The evaluation of one that ended on its date, recorded afterwards; a second one is refused.
    const evaluated = await call(secretary, 'POST', `/api/v1/secondments/${id}/end`, {
      evaluation: { text: '表现突出', grade: 'excellent' },
    });
    expect(evaluated.status).toBe(200);
    expect(evaluated.body.evaluation).toEqual({ text: '表现突出', grade: 'excellent' });
    expect((await call(secretary, 'POST', `/api/v1/secondments/${id}/end`, { evaluation: { text: '再评', grade: 'good' } })).status).toBe(
      409,
    );
    await eventually('the teaching support started', () => Promise.resolve(eventsOf(supportId).length >= 1));
    expect(eventsOf(supportId)).toEqual(['teaching-support.started']);
    await eventually('the evaluated event', () => Promise.resolve(eventsOf(id).includes('assignment.evaluated')));
  });

  it('starts a secondment that begins today at once and ends it early with its evaluation (ended event with the grade)', async () => {
    const started = await call(county, 'POST', '/api/v1/secondments', {
      teacherId: teachers['old'],
      kind: 'bureau',
      hostUnitId: K1,
      startsOn: TODAY,
      endsOn: day(90),
    });
    expect(started.status).toBe(201);
    expect(started.body.status).toBe('active');
    const ended = await call(county, 'POST', `/api/v1/secondments/${started.body.id}/end`, { evaluation: { text: '合格', grade: 'pass' } });
    expect(ended.body).toMatchObject({ status: 'ended', endedOn: TODAY });
    await eventually('started and ended', () => Promise.resolve(eventsOf(started.body.id).length >= 2));
    expect(eventsOf(started.body.id)).toEqual(['secondment.started', 'secondment.ended']);
    expect(seen.find((e) => e.data.assignmentId === started.body.id && e.type.includes('ended'))!.data.grade).toBe('pass');
  });

  it('checks the host: a bureau for 上挂, a school otherwise, a province for another province (422 naming the field)', async () => {
    const base = { teacherId: teachers['young'], startsOn: day(100), endsOn: day(120) };
    const up = await call(secretary, 'POST', '/api/v1/secondments', { ...base, kind: 'bureau', hostUnitId: Q });
    expect(up.status).toBe(422);
    expect(up.body.errors[0]).toMatchObject({ pointer: '/hostUnitId', rule: 'bureau' });
    const away = await call(secretary, 'POST', '/api/v1/secondments', { ...base, kind: 'other-province', hostName: '遵义市第一中学' });
    expect(away.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/hostProvince']);
    const ok = await call(secretary, 'POST', '/api/v1/secondments', {
      ...base,
      kind: 'other-province',
      hostName: '遵义市第一中学',
      hostProvince: '贵州省',
    });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ hostUnitId: null, hostProvince: '贵州省' });
    const backwards = await call(secretary, 'POST', '/api/v1/secondments', {
      ...base,
      startsOn: day(130),
      endsOn: day(125),
      kind: 'bureau',
      hostUnitId: C,
    });
    expect(backwards.body.errors[0]).toMatchObject({ pointer: '/endsOn', rule: 'not-before-start' });
  });

  it('keeps to the scope: another county gets 404 for a teacher, an assignment and a unit', async () => {
    const other = as(K2, ['county-admin']);
    expect((await call(other, 'GET', `/api/v1/secondments/sec-${run}`)).status).toBe(404);
    const res = await call(other, 'POST', '/api/v1/secondments', {
      teacherId: teachers['young'],
      kind: 'bureau',
      hostUnitId: K2,
      startsOn: day(200),
      endsOn: day(210),
    });
    expect(res.status).toBe(404);
    expect((await call(other, 'GET', `/api/v1/org-units/${S1}/reserve-cadres`)).status).toBe(404);
    expect((await call(other, 'GET', `/api/v1/org-units/${S1}/leadership-team/age-tiers`)).status).toBe(404);
    const list = await call(county, 'GET', '/api/v1/cadres/assignments');
    expect(list.body.items.every((a: { homeUnitId: string }) => a.homeUnitId === S1)).toBe(true);
    expect((await call(other, 'GET', '/api/v1/cadres/assignments')).body.items).toEqual([]);
  });

  it('lists reserve cadres of the unit, refusing a teacher of another school, and removes one', async () => {
    const add = await call(secretary, 'POST', `/api/v1/org-units/${S1}/reserve-cadres`, { teacherId: teachers['young'], note: '教学骨干' });
    expect(add.status).toBe(201);
    expect((await call(secretary, 'POST', `/api/v1/org-units/${S1}/reserve-cadres`, { teacherId: teachers['young'] })).status).toBe(409);
    const foreign = await call(county, 'POST', `/api/v1/org-units/${S1}/reserve-cadres`, { teacherId: teachers['other'] });
    expect(foreign.status).toBe(404);
    const list = await call(county, 'GET', `/api/v1/org-units/${S1}/reserve-cadres`);
    expect(list.body.items.map((r: { teacherId: string }) => r.teacherId)).toEqual([teachers['young']]);
    expect((await call(secretary, 'DELETE', `/api/v1/org-units/${S1}/reserve-cadres/${teachers['young']}`)).status).toBe(204);
    expect((await call(county, 'GET', `/api/v1/org-units/${S1}/reserve-cadres`)).body.items).toEqual([]);
  });

  it('reports the age tiers of a leadership team and flags the tier the city requires and the team lacks', async () => {
    const put = await call(secretary, 'PUT', `/api/v1/org-units/${S1}/leadership-team`, {
      members: [
        { teacherId: teachers['old'], post: '党支部书记' },
        { teacherId: teachers['young'], post: '副校长' },
      ],
    });
    expect(put.status).toBe(200);
    const year = Number(TODAY.slice(0, 4));
    const tiers = await call(as(C, ['analyst']), 'GET', `/api/v1/org-units/${S1}/leadership-team/age-tiers`);
    expect(tiers.status).toBe(200);
    const counts = Object.fromEntries(tiers.body.bands.map((b: { id: string; count: number }) => [b.id, b.count]));
    expect(counts).toEqual({
      'under-35': year - 1996 < 35 ? 1 : 0,
      '35-44': year - 1996 >= 35 ? 1 : 0,
      '45-54': 0,
      '55-plus': 1,
    });
    expect(tiers.body).toMatchObject({ teamSize: 2, flagged: true, missing: expect.arrayContaining(['45-54']) });
    // A member of another school is refused, naming the member.
    const bad = await call(
      secretary,
      'PUT',
      `/api/v1/org-units/${S1}/leadership-team`,
      { members: [{ teacherId: teachers['other'], post: '校长' }] },
      { 'if-match': '"1"' },
    );
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0]).toMatchObject({ pointer: '/members/0/teacherId', rule: 'teacher-of-unit' });
    // With the middle generation the team is complete.
    const full = await call(
      secretary,
      'PUT',
      `/api/v1/org-units/${S1}/leadership-team`,
      { members: [...put.body.members, { teacherId: teachers['mid'], post: '校长' }] },
      { 'if-match': '"1"' },
    );
    expect(full.status).toBe(200);
    const subtree = await call(county, 'GET', `/api/v1/cadres/age-tiers?unit=${K1}`);
    expect(subtree.body.items).toHaveLength(1);
    expect(subtree.body.items[0]).toMatchObject({ unitId: S1, teamSize: 3 });
    expect(subtree.body.items[0].missing).not.toContain('45-54');
  });
});

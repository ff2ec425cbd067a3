import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Consumer } from 'kafkajs';
import { Topics, TrainingCertifiedV1, TrainingSessionAttendedV1 } from '@pb/contracts';
import { KafkaClient, OutboxBatches } from '@pb/messaging';
import { Scope } from '@pb/platform';
import { eventually, identity as as, seedUnit, startAtEnd, startService, testKafka, type ServiceUnderTest } from '@pb/testing';
import { AttendanceService } from './enrolments/attendance.service.js';
import { TeachersModule } from './teachers/teachers.module.js';
import { TrainingRecordsModule } from './training-records.module.js';

// Programmes, attendance, certification and the yearly totals on the real store and broker: the
// totals come only from the service's own events on training.records.v1, through its consumer.
const run = randomBytes(3).toString('hex');
const [C, K1, K2, S1, S1B, S2] = ['city', 'k1', 'k2', 's1', 's1b', 's2'].map((n) => `${n}-${run}`);
const YEAR = 2027;

interface Totals {
  enrolments: number;
  hours: number;
  certified: number;
  children: { unitId: string }[];
}

interface Record {
  type: string;
  key: string;
  id: string;
  data: { [field: string]: unknown };
}

describe('training: programmes, attendance, certification (认定) and totals', () => {
  let app: NestFastifyApplication;
  let call: ServiceUnderTest['call'];
  let consumer: Consumer;
  const published: Record[] = [];
  const audit: Record['data'][] = [];
  const county1 = as(K1, ['county-admin']);
  const county2 = as(K2, ['county-admin']);
  const school1 = as(S1, ['school-secretary']);
  const analyst = as(C, ['analyst']);
  const teachers: { [name: string]: string } = {};
  let programme = '';

  const addTeacher = async (school: string, name: string, staffNumber: string) => {
    const res = await call(as(school, ['school-secretary']), 'POST', `/api/v1/training/schools/${school}/teachers`, {
      name,
      staffNumber,
      subject: '数学',
      birthYear: 1980,
      partyMember: false,
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  /** The yearly totals of a unit as `who` reads them. */
  const totals = async (who = county1, unit = S1): Promise<{ status: number; body: Totals }> =>
    call(who, 'GET', `/api/v1/training/totals?unit=${unit}&year=${YEAR}`);

  beforeAll(async () => {
    const groupId = `it-training-${run}`;
    await startAtEnd(groupId, [Topics.orgUnitsState, Topics.trainingRecords]);
    ({ app, call } = await startService(
      { service: 'training', consume: true, features: () => [TeachersModule, TrainingRecordsModule] },
      { db: `it_training_${run}`, groupId },
    ));
    await seedUnit(app, { path: [C], kind: 'city-bureau' });
    await seedUnit(app, { path: [C, K1], kind: 'county-bureau' });
    await seedUnit(app, { path: [C, K2], kind: 'county-bureau' });
    await seedUnit(app, { path: [C, K1, S1], kind: 'school' });
    await seedUnit(app, { path: [C, K1, S1B], kind: 'school' });
    await seedUnit(app, { path: [C, K2, S2], kind: 'school' });
    teachers['wang'] = await addTeacher(S1, '王芳', 'W01');
    teachers['li'] = await addTeacher(S1, '李强', 'L02');
    teachers['zhao'] = await addTeacher(S1, '赵敏', 'Z03');
    teachers['chen'] = await addTeacher(S2, '陈静', 'C04');

    // What an analyst's consumer sees on the topic.
    await app.get(KafkaClient).ensureTopics([{ topic: Topics.trainingRecords }, { topic: Topics.auditWrites }]);
    const probe = `it-training-probe-${run}`;
    await startAtEnd(probe, [Topics.trainingRecords, Topics.auditWrites]);
    const kafka = testKafka(probe);
    consumer = kafka.consumer({ groupId: probe, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topics: [Topics.trainingRecords, Topics.auditWrites], fromBeginning: false });
    await consumer.run({
      eachMessage: ({ topic, message }) => {
        if (topic === Topics.auditWrites) {
          audit.push(JSON.parse(message.value?.toString() ?? '{}') as Record['data']);
          return Promise.resolve();
        }
        const type = message.headers?.['ce_type']?.toString() ?? '';
        published.push({
          type,
          key: message.key?.toString() ?? '',
          id: message.headers?.['ce_id']?.toString() ?? '',
          data: JSON.parse(message.value?.toString() ?? '{}') as Record['data'],
        });
        return Promise.resolve();
      },
    });
  });
  afterAll(async () => {
    await consumer?.disconnect();
    await app?.close();
  });

  it("a county's programme is open to its schools (capacity 2), not to another county's", async () => {
    const created = await call(county1, 'POST', '/api/v1/training/programmes', {
      title: '2027 年春季师德师风专题培训',
      category: 'ethics',
      requiredHours: 32,
      year: YEAR,
      term: 'spring',
      assessment: 'none',
      capacity: 2,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ organiserId: K1, enrolled: 0, sessions: [] });
    programme = created.body.id as string;
    for (const [date, hours] of [
      ['2027-03-06', 8],
      ['2027-03-13', 8],
      ['2027-03-20', 8],
      ['2027-03-27', 7],
      ['2027-04-03', 1],
    ] as const) {
      expect((await call(county1, 'POST', `/api/v1/training/programmes/${programme}/sessions`, { date, hours })).status).toBe(201);
    }
    const twice = await call(county1, 'POST', `/api/v1/training/programmes/${programme}/sessions`, { date: '2027-03-06', hours: 2 });
    expect(twice.status).toBe(409);
    expect(twice.body.errors[0]).toMatchObject({ pointer: '/date', rule: 'one-session-a-day' });

    expect((await call(school1, 'GET', `/api/v1/training/programmes/${programme}`)).body.sessions).toHaveLength(5);
    expect((await call(as(S2, ['school-secretary']), 'GET', `/api/v1/training/programmes/${programme}`)).status).toBe(404);
    const listed = await call(school1, 'GET', `/api/v1/training/programmes?year=${YEAR}`);
    expect(listed.body.items.map((p: { id: string }) => p.id)).toEqual([programme]);
    // A school sets no sessions of its county's programme.
    expect(
      (await call(school1, 'POST', `/api/v1/training/programmes/${programme}/sessions`, { date: '2027-05-01', hours: 2 })).status,
    ).toBe(404);

    const enrol = (who: ReturnType<typeof as>, teacherId: string) =>
      call(who, 'POST', `/api/v1/training/programmes/${programme}/enrolments`, { teacherId });
    expect((await enrol(school1, teachers['wang'])).status).toBe(201);
    const again = await enrol(school1, teachers['wang']);
    expect(again.status).toBe(409);
    expect(again.body.errors[0]).toMatchObject({ rule: 'unique' });
    expect((await enrol(school1, teachers['li'])).status).toBe(201);
    const full = await enrol(school1, teachers['zhao']);
    expect(full.status).toBe(409);
    expect(full.body.errors[0]).toMatchObject({ pointer: '/teacherId', rule: 'capacity' });
    // Another county's school neither sees the programme nor enrols into it.
    expect((await enrol(as(S2, ['school-secretary']), teachers['chen'])).status).toBe(404);
    expect((await call(county1, 'GET', `/api/v1/training/programmes/${programme}`)).body.enrolled).toBe(2);
  });

  it('31 of 32 hours is not certified; one more session certifies, publishes the event and changes the totals', async () => {
    const attend = (sessionId: string, teacherId = teachers['wang']) =>
      call(school1, 'POST', `/api/v1/training/programmes/${programme}/attendance`, { sessionId, teacherId });
    for (const day of ['2027-03-06', '2027-03-13', '2027-03-20', '2027-03-27']) expect((await attend(day)).status).toBe(200);
    const at31 = await attend('2027-03-27'); // recorded before: changes nothing
    expect(at31.body).toMatchObject({ hours: 31, completed: false, certified: false });
    expect((await attend('2027-05-01')).body.errors[0]).toMatchObject({ rule: 'session' });

    const before = await eventually('the totals to count 31 hours', async () => {
      const t = await totals();
      return t.body.hours === 31 ? t.body : null;
    });
    expect(before).toMatchObject({ enrolments: 2, completed: 0, certified: 0, certificationRate: 0 });

    const at32 = await attend('2027-04-03');
    expect(at32.status).toBe(200);
    expect(at32.body).toMatchObject({ hours: 32, completed: true, certified: true, certification: { by: 'rule' } });

    const certified = await eventually('the certified event on training.records.v1', () =>
      Promise.resolve(published.find((r) => r.type === TrainingCertifiedV1.type && r.data['teacherId'] === teachers['wang'])),
    );
    expect(certified.key).toBe(S1);
    expect(certified.data).toMatchObject({
      unitId: S1,
      programmeId: programme,
      year: YEAR,
      certified: true,
      byException: false,
      hours: 32,
    });
    const after = await eventually('the school totals to count the certification', async () => {
      const t = await totals();
      return t.body.certified === 1 ? t.body : null;
    });
    expect(after).toMatchObject({ enrolments: 2, completed: 1, certified: 1, hours: 32, completionRate: 50, certificationRate: 50 });
    // The county rolls its schools up; the teacher's own totals too.
    const county = await eventually('the county totals', async () => {
      const t = await totals(county1, K1);
      return t.body.certified === 1 ? t.body : null;
    });
    expect(county.children.find((c: { unitId: string }) => c.unitId === S1)).toMatchObject({ certified: 1, hours: 32 });
    const mine = await call(school1, 'GET', `/api/v1/training/teachers/${teachers['wang']}/totals?year=${YEAR}`);
    expect(mine.body).toMatchObject({ teacherId: teachers['wang'], enrolments: 1, certified: 1, hours: 32, certificationRate: 100 });
  });

  it('a county sees its schools totals; another county gets 404; an analyst sees totals but no names, on REST and on Kafka', async () => {
    expect((await totals(county2, S1)).status).toBe(404);
    expect((await totals(county2, K1)).status).toBe(404);
    expect((await call(county2, 'GET', `/api/v1/training/schools/${S1}/teachers`)).status).toBe(404);
    const cityView = await totals(analyst, C);
    expect(cityView.status).toBe(200);
    expect(cityView.body.children.map((c: { unitId: string }) => c.unitId).sort()).toEqual([K1, K2].sort());
    const text = JSON.stringify(cityView.body) + JSON.stringify((await totals(analyst, S1)).body);
    for (const personal of ['王芳', 'W01', ':1980']) expect(text).not.toContain(personal);
    expect((await call(analyst, 'GET', `/api/v1/training/schools/${S1}/teachers`)).status).toBe(403);
    expect((await call(analyst, 'GET', `/api/v1/training/teachers/${teachers['wang']}/totals?year=${YEAR}`)).status).toBe(403);
    expect((await call(analyst, 'GET', `/api/v1/training/programmes/${programme}/enrolments`)).status).toBe(403);

    const ours = published.filter((r) => r.data['programmeId'] === programme);
    expect(ours.map((r) => r.type)).toEqual(expect.arrayContaining([TrainingSessionAttendedV1.type, TrainingCertifiedV1.type]));
    const onTopic = JSON.stringify(ours);
    for (const personal of ['王芳', '李强', 'W01', 'L02', 'birthYear', 'staffNumber', 'name']) expect(onTopic).not.toContain(personal);
  });

  it('a bureau certifies by exception with a reason (audited); a school may not; the importer records rows by staff number', async () => {
    const exam = await call(county1, 'POST', '/api/v1/training/programmes', {
      title: '学科教学能力提升',
      category: 'subject-teaching',
      requiredHours: 4,
      year: YEAR,
      term: 'autumn',
      assessment: 'exam',
      capacity: 10,
    });
    const id = exam.body.id as string;
    await call(county1, 'POST', `/api/v1/training/programmes/${id}/sessions`, { date: '2027-09-01', hours: 4 });
    for (const t of ['wang', 'li', 'zhao'])
      await call(school1, 'POST', `/api/v1/training/programmes/${id}/enrolments`, { teacherId: teachers[t] });

    // The importer's way in: staff numbers at a school, one bad row of each kind.
    const result = await app.get(AttendanceService).recordMany(Scope.of(school1), id, [
      { programmeId: id, unitId: S1, staffNumber: 'W01', date: '2027-09-01' },
      { programmeId: id, unitId: S1, staffNumber: 'L02', date: '2027-09-01', hours: 3 },
      { programmeId: id, unitId: S1, staffNumber: 'NOPE', date: '2027-09-01' },
      { programmeId: id, unitId: S1, staffNumber: 'Z03', date: '2027-09-02' },
      { programmeId: id, unitId: S1, staffNumber: 'Z03', date: '2027-09-01', hours: 5 },
    ]);
    expect(result.applied).toBe(2);
    expect(result.errors.map((e) => [e.index, e.pointer, e.rule])).toEqual([
      [2, '/staffNumber', 'teacher'],
      [3, '/date', 'session'],
      [4, '/hours', 'session-hours'],
    ]);
    const again = await app
      .get(AttendanceService)
      .recordMany(Scope.of(school1), id, [{ programmeId: id, unitId: S1, staffNumber: 'W01', date: '2027-09-01' }]);
    expect(again).toEqual({ applied: 1, errors: [] });

    // Hours met but no exam passed yet: not certified; a pass certifies.
    const enrolments = await call(county1, 'GET', `/api/v1/training/programmes/${id}/enrolments`);
    const wang = enrolments.body.items.find((e: { teacherId: string }) => e.teacherId === teachers['wang']);
    expect(wang).toMatchObject({ hours: 4, completed: true, certified: false });
    expect(
      (await call(school1, 'POST', `/api/v1/training/programmes/${id}/assessments`, { teacherId: teachers['wang'], result: 'passed' }))
        .status,
    ).toBe(404);
    const passed = await call(county1, 'POST', `/api/v1/training/programmes/${id}/assessments`, {
      teacherId: teachers['wang'],
      result: 'passed',
    });
    expect(passed.body).toMatchObject({ assessment: 'passed', certified: true, certification: { by: 'rule' } });

    const bySchool = await call(school1, 'POST', `/api/v1/training/programmes/${id}/certifications`, {
      teacherId: teachers['li'],
      reason: '因病缺课，已补学',
    });
    expect(bySchool.status).toBe(403);
    const byCounty = await call(county1, 'POST', `/api/v1/training/programmes/${id}/certifications`, {
      teacherId: teachers['li'],
      reason: '因病缺课，已补学',
    });
    expect(byCounty.status).toBe(200);
    expect(byCounty.body).toMatchObject({ hours: 3, certified: true, certification: { by: 'exception', reason: '因病缺课，已补学' } });
    expect(
      (await call(county1, 'POST', `/api/v1/training/programmes/${id}/certifications`, { teacherId: teachers['li'], reason: '再次' }))
        .status,
    ).toBe(409);
    const exception = await eventually('the certified-by-exception event', () =>
      Promise.resolve(
        published.find((r) => r.type === TrainingCertifiedV1.type && r.data['programmeId'] === id && r.data['byException'] === true),
      ),
    );
    expect(exception.data).toMatchObject({ teacherId: teachers['li'], certified: true });
    const audited = await eventually('the audit record of the exception', () =>
      Promise.resolve(
        audit.find((a) => a['action'] === 'enrolment.certified-by-exception' && a['resourceId'] === `${id}:${teachers['li']}`),
      ),
    );
    expect(audited).toMatchObject({
      service: 'training',
      unitId: S1,
      actor: { sub: county1.sub },
      after: { certification: { reason: '因病缺课，已补学' } },
    });
    // Roster writes are audited with the birth year masked.
    const sun = await addTeacher(S1, '孙丽', 'S05');
    const rosterAudit = await eventually('the audit record of the new teacher', () =>
      Promise.resolve(audit.find((a) => a['action'] === 'teacher.created' && a['resourceId'] === sun)),
    );
    expect(rosterAudit).toMatchObject({ unitId: S1, after: { staffNumber: 'S05', birthYear: '****' } });
    // A school sees only its own teachers' enrolments; the organiser sees all.
    expect((await call(school1, 'GET', `/api/v1/training/programmes/${id}/enrolments`)).body.items).toHaveLength(3);
    expect((await call(as(S1B, ['school-secretary']), 'GET', `/api/v1/training/programmes/${id}/enrolments`)).body.items).toHaveLength(0);
  });

  it("the importer's batch: a crash between its enrolment writes and its commit loses no event and doubles none once the batch is recovered", async () => {
    const made = await call(county1, 'POST', '/api/v1/training/programmes', {
      title: '批量导入恢复',
      category: 'ethics',
      requiredHours: 100,
      year: YEAR,
      term: 'autumn',
      assessment: 'none',
      capacity: 10,
    });
    const id = made.body.id as string;
    for (const date of ['2027-10-10', '2027-10-17'])
      expect((await call(county1, 'POST', `/api/v1/training/programmes/${id}/sessions`, { date, hours: 2 })).status).toBe(201);
    for (const t of ['wang', 'li', 'zhao'])
      expect((await call(school1, 'POST', `/api/v1/training/programmes/${id}/enrolments`, { teacherId: teachers[t] })).status).toBe(201);
    const hoursBefore = // Two enrolments in the first programme, three in the exam's, three here: all of S1's (one partition, in order).
      (
        await eventually('the totals to count the three enrolments', async () => {
          const t = await totals();
          return t.body.enrolments === 8 ? t : null;
        })
      ).body.hours;

    // Fault injection: the process stops after the batch's enrolment writes, before its commit.
    const batches = app.get(OutboxBatches);
    const stage = batches.stage.bind(batches);
    batches.stage = async (...args) => {
      const batch = await stage(...args);
      batch.commit = () => Promise.reject(new Error('the process stopped before the commit'));
      return batch;
    };
    const rows = ['W01', 'L02', 'Z03'].map((staffNumber) => ({ programmeId: id, unitId: S1, staffNumber, date: '2027-10-10' }));
    try {
      await expect(app.get(AttendanceService).recordMany(Scope.of(school1), id, rows)).rejects.toThrow('before the commit');
    } finally {
      batches.stage = stage;
    }
    const listed = await call(county1, 'GET', `/api/v1/training/programmes/${id}/enrolments`);
    expect(listed.body.items.map((e: { hours: number }) => e.hours)).toEqual([2, 2, 2]);

    // The next start: the relay's holder recovers the abandoned batch (here at once, not after a minute).
    expect(await batches.recoverStaged(0)).toBe(1);
    // The rows again (the job taken over from the top): recorded already, nothing new.
    expect(await app.get(AttendanceService).recordMany(Scope.of(school1), id, rows)).toEqual({ applied: 3, errors: [] });
    // A later attendance (its own outbox, a later number in the sequence): once it is out, so is anything before it.
    expect(
      (
        await call(school1, 'POST', `/api/v1/training/programmes/${id}/attendance`, {
          sessionId: '2027-10-17',
          teacherId: teachers['wang'],
        })
      ).status,
    ).toBe(200);
    await eventually('the later attendance on the topic', () =>
      Promise.resolve(
        published.find(
          (r) => r.data['programmeId'] === id && ((r.data['sessionIds'] as string[] | undefined) ?? []).includes('2027-10-17'),
        ),
      ),
    );
    const recovered = published.filter(
      (r) =>
        r.type === TrainingSessionAttendedV1.type &&
        r.data['programmeId'] === id &&
        ((r.data['sessionIds'] as string[] | undefined) ?? []).includes('2027-10-10'),
    );
    expect(recovered.map((r) => r.data['teacherId']).sort()).toEqual([teachers['wang'], teachers['li'], teachers['zhao']].sort());
    expect(new Set(recovered.map((r) => r.id)).size).toBe(3);
    // Counted once each: three teachers' 2 hours, and wang's 2 more.
    await eventually('the totals to count the recovered hours once', async () => {
      const t = await totals();
      return t.body.hours === hoursBefore + 8 ? t : null;
    });
  });
});

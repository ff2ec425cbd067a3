import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Topics } from '@pb/contracts';
import { Scope } from '@pb/platform';
import { identity as as, seedUnit, startAtEnd, startService, type ServiceUnderTest } from '@pb/testing';
import { TeachersModule } from './teachers.module.js';
import { TeachersService } from './teachers.service.js';

// Teacher rosters on the real store and broker: a city, two counties, a school in each.
const run = randomBytes(3).toString('hex');
const [C, K1, K2, S1, S2] = ['city', 'k1', 'k2', 's1', 's2'].map((n) => `${n}-${run}`);

describe('training: teacher rosters (教师名册)', () => {
  let app: NestFastifyApplication;
  let call: ServiceUnderTest['call'];
  const teacher = { name: '王老师', staffNumber: 'T001', subject: '语文', birthYear: 1985, partyMember: true };

  beforeAll(async () => {
    const groupId = `it-training-teachers-${run}`;
    await startAtEnd(groupId, [Topics.orgUnitsState]);
    ({ app, call } = await startService(
      { service: 'training', consume: true, features: () => [TeachersModule] },
      { db: `it_training_t_${run}`, groupId },
    ));
    await seedUnit(app, { path: [C], kind: 'city-bureau' });
    await seedUnit(app, { path: [C, K1], kind: 'county-bureau' });
    await seedUnit(app, { path: [C, K2], kind: 'county-bureau' });
    await seedUnit(app, { path: [C, K1, S1], kind: 'school' });
    await seedUnit(app, { path: [C, K2, S2], kind: 'school' });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('a school registers a teacher, reads it back, and the staff number is unique in the school (409 naming /staffNumber)', async () => {
    const created = await call(as(S1, ['school-secretary']), 'POST', `/api/v1/training/schools/${S1}/teachers`, teacher);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ unitId: S1, ...teacher, memberId: null, version: 1 });
    expect(created.body.id).not.toContain('T001');
    const again = await call(as(S1, ['school-secretary']), 'POST', `/api/v1/training/schools/${S1}/teachers`, {
      ...teacher,
      name: '李老师',
    });
    expect(again.status).toBe(409);
    expect(again.body.errors[0]).toMatchObject({ pointer: '/staffNumber', rule: 'unique-in-school' });
    // The same staff number at another school is another teacher.
    const other = await call(as(S2, ['school-secretary']), 'POST', `/api/v1/training/schools/${S2}/teachers`, teacher);
    expect(other.status).toBe(201);

    const got = await call(as(K1, ['county-admin']), 'GET', `/api/v1/training/teachers/${created.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body.name).toBe('王老师');
    expect(await app.get(TeachersService).get(Scope.system('test'), created.body.id)).toMatchObject({ staffNumber: 'T001', unitId: S1 });
  });

  it('a county sees its schools rosters; another county and another school get 404; analysts get 403', async () => {
    const list = await call(as(K1, ['county-admin']), 'GET', `/api/v1/training/schools/${S1}/teachers`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((t: { staffNumber: string }) => t.staffNumber)).toEqual(['T001']);
    expect((await call(as(K2, ['county-admin']), 'GET', `/api/v1/training/schools/${S1}/teachers`)).status).toBe(404);
    expect((await call(as(S2, ['school-secretary']), 'GET', `/api/v1/training/schools/${S1}/teachers`)).status).toBe(404);
    const id = list.body.items[0].id as string;
    expect((await call(as(K2, ['county-admin']), 'GET', `/api/v1/training/teachers/${id}`)).status).toBe(404);
    await expect(app.get(TeachersService).get(Scope.of(as(K2, ['county-admin'])), id)).rejects.toMatchObject({ status: 404 });
    expect((await call(as(C, ['analyst']), 'GET', `/api/v1/training/teachers/${id}`)).status).toBe(403);
    expect((await call(as(C, ['analyst']), 'GET', `/api/v1/training/schools/${S1}/teachers`)).status).toBe(403);
  });

  it('updates with If-Match: 412 when stale; a roster at a bureau is refused (422)', async () => {
    const [t] = (await call(as(S1, ['school-secretary']), 'GET', `/api/v1/training/schools/${S1}/teachers`)).body.items;
    const ok = await call(
      as(S1, ['school-secretary']),
      'PATCH',
      `/api/v1/training/teachers/${t.id}`,
      { subject: '数学', memberId: 'm-1' },
      { 'if-match': '"1"' },
    );
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ subject: '数学', memberId: 'm-1', version: 2 });
    const stale = await call(
      as(S1, ['school-secretary']),
      'PATCH',
      `/api/v1/training/teachers/${t.id}`,
      { subject: '英语' },
      { 'if-match': '"1"' },
    );
    expect(stale.status).toBe(412);
    const atBureau = await call(as(K1, ['county-admin']), 'POST', `/api/v1/training/schools/${K1}/teachers`, {
      ...teacher,
      staffNumber: 'B1',
    });
    expect(atBureau.status).toBe(422);
  });
});

import { beforeAll, describe, expect, it } from '@jest/globals';
import { Topics } from '@pb/contracts';
import { api, eventually, tokenFor } from './support/env.js';
import { buildCity, readToEnd } from './support/orgs.js';

// Cadre development through the gateway, with every service running: overlapping assignments
// refused with their dates, the start and end events on training.assignments.v1, the training
// runner's ending-soon reminder in the inboxes of both the home and the host school, scope, age tiers.
const TODAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
const later = (days: number) => new Date(Date.parse(`${TODAY}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

describe('cadre development (干部培养) through the gateway', () => {
  let admin = '';
  let home = '';
  let host = '';
  let otherCounty = '';
  let teacherId = '';
  let secondmentId = '';

  beforeAll(async () => {
    const city = await buildCity(['k1', 'k2']);
    admin = city.admin;
    home = `${city.cityId}-s1`;
    host = `${city.cityId}-q`;
    await city.ok('POST', '/api/v1/org-units', { id: home, code: 'S1', name: '第一中学', kind: 'school', parentId: city.countyIds['k1'] });
    await city.ok('POST', '/api/v1/org-units', { id: host, code: 'Q', name: '实验中学', kind: 'school', parentId: city.cityId });
    otherCounty = await tokenFor(city.countyIds['k2'], ['county-admin']);
    teacherId = await eventually(
      'training to know the school',
      async () => {
        const res = await api('POST', `/api/v1/training/schools/${home}/teachers`, {
          token: admin,
          body: { name: '刘老师', staffNumber: 'C001', subject: '数学', birthYear: 1995, partyMember: true },
        });
        return res.status === 201 ? (res.body['id'] as string) : null;
      },
      180_000,
    );
    // The host must be known to training too before it can be named.
    await eventually(
      'training to know the host',
      async () => {
        const res = await api('GET', `/api/v1/org-units/${host}/leadership-team`, { token: admin });
        return res.status === 200 ? true : null;
      },
      180_000,
    );
  }, 300_000);

  it('starts a secondment that begins today and publishes secondment.started (ids, no names)', async () => {
    const res = await api('POST', '/api/v1/secondments', {
      token: admin,
      body: { teacherId, kind: 'high-quality-school', hostUnitId: host, startsOn: TODAY, endsOn: later(5) },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'active', homeUnitId: home, hostUnitId: host });
    secondmentId = res.body['id'] as string;
    const started = await eventually('secondment.started on Kafka', async () => {
      const records = await readToEnd([Topics.trainingAssignments], (r) => r.value['assignmentId'] === secondmentId);
      return records.find((r) => r.headers['ce_type']?.endsWith('secondment.started.v1')) ?? null;
    });
    expect(started.key).toBe(home);
    expect(started.value).toMatchObject({ teacherId, homeUnitId: home, hostUnitId: host, status: 'active' });
    expect(started.raw).not.toContain('刘老师');
  });

  it('refuses an overlapping teaching support with a 409 problem naming the secondment and its dates', async () => {
    const res = await api('POST', '/api/v1/teaching-supports', {
      token: admin,
      body: { teacherId, hostUnitId: host, term: '2026-2027-1', startsOn: later(3), endsOn: later(60) },
    });
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body['detail']).toContain(`${TODAY} 至 ${later(5)}`);
    expect(res.body['detail']).toContain(secondmentId);
    const en = await api('POST', '/api/v1/teaching-supports', {
      token: admin,
      headers: { 'accept-language': 'en' },
      body: { teacherId, hostUnitId: host, term: '2026-2027-1', startsOn: later(3), endsOn: later(60) },
    });
    expect(en.body['detail']).toContain(`from ${TODAY} to ${later(5)}`);
  });

  it('reminds the home school and the host school in their inboxes before the end', async () => {
    for (const unit of [home, host]) {
      const secretary = await tokenFor(unit, ['school-secretary']);
      const notice = await eventually(
        `the reminder in ${unit}'s inbox`,
        async () => {
          const res = await api('GET', '/api/v1/notifications/inbox?category=assignment-ending', { token: secretary });
          return ((res.body['items'] as Record<string, unknown>[] | undefined) ?? [])[0] ?? null;
        },
        90_000,
      );
      expect(notice['title']).toBe(`提醒：挂职锻炼将于${later(5)}结束`);
      expect(notice['body']).toContain('第一中学派往实验中学');
    }
  });

  it('keeps another county out (404) and ends the secondment with its evaluation: secondment.ended with the grade', async () => {
    expect((await api('GET', `/api/v1/secondments/${secondmentId}`, { token: otherCounty })).status).toBe(404);
    const res = await api('POST', `/api/v1/secondments/${secondmentId}/end`, {
      token: admin,
      body: { evaluation: { text: '工作扎实', grade: 'excellent' } },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ended', endedOn: TODAY, evaluation: { grade: 'excellent' } });
    const ended = await eventually('secondment.ended on Kafka', async () => {
      const records = await readToEnd([Topics.trainingAssignments], (r) => r.value['assignmentId'] === secondmentId);
      return records.find((r) => r.headers['ce_type']?.endsWith('secondment.ended.v1')) ?? null;
    });
    expect(ended.value).toMatchObject({ status: 'ended', grade: 'excellent' });
    expect(ended.raw).not.toContain('工作扎实');
  });

  it('flags a leadership team that lacks a tier the city requires', async () => {
    const put = await api('PUT', `/api/v1/org-units/${home}/leadership-team`, {
      token: admin,
      body: { members: [{ teacherId, post: '校长' }] },
    });
    expect(put.status).toBe(200);
    const analyst = await tokenFor(home, ['analyst']);
    const tiers = await api('GET', `/api/v1/org-units/${home}/leadership-team/age-tiers`, { token: analyst });
    expect(tiers.status).toBe(200);
    expect(tiers.body).toMatchObject({ teamSize: 1, flagged: true, missing: ['35-44', '45-54'] });
  });
});

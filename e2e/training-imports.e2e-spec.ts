import { beforeAll, describe, expect, it } from '@jest/globals';
import iconv from 'iconv-lite';
import { problemTypeUrl } from '@pb/contracts';
import { api, eventually, tokenFor, uniqueId } from './support/env.js';
import { buildCity } from './support/orgs.js';

// CSV import through the gateway (docs/adr/0020): the file is streamed by the gateway to training as
// it arrives, in the charset the spreadsheet saved it in; the job is read back through the gateway.
// Attendance lands in the training records (ADR 0019): a county's programme, its sessions, the school's
// teachers enrolled, so the import moves hours and certification.
const day = (n: number) => `2027-04-${String(n + 1).padStart(2, '0')}`;

describe('training imports through the gateway', () => {
  let school = '';
  let token = '';
  let programmeId = '';
  const csv = (bytes: Buffer, contentType = 'text/csv') => ({ bytes, contentType });
  /**
   * A job once it has ended, however it ended (a failed job is reported as such, not as a timeout).
   * Jobs of one training process run one after another, so the wait allows for the jobs queued before.
   */
  const finished = (id: string) =>
    eventually(
      `import ${id} to end`,
      async () => {
        const res = await api('GET', `/api/v1/training/imports/${id}`, { token });
        return ['done', 'rejected', 'failed'].includes(String(res.body['status'])) ? res.body : null;
      },
      120_000,
    );

  beforeAll(async () => {
    const built = await buildCity(['east']);
    school = `${built.countyIds['east']}-s`;
    await built.ok('POST', '/api/v1/org-units', {
      id: school,
      code: uniqueId('S').toUpperCase(),
      name: '导入测试学校',
      kind: 'school',
      parentId: built.countyIds['east'],
    });
    token = await tokenFor(school, ['school-secretary']);
    const roster = ['姓名,工号,学科,出生年份,是否党员', ...Array.from({ length: 20 }, (_, i) => `教师${i},E${i},数学,1980,是`)].join(
      '\r\n',
    );
    // The roster in GBK, declared by the query: training learns the school from its topic first. An
    // attempt the gateway gave up on (a slow store) may still have made the job: the same file then
    // answers that job (200), which is as good as a new one (202).
    const job = await eventually(
      'training to know the school',
      async () => {
        const res = await api('POST', `/api/v1/training/schools/${school}/imports/teachers?charset=gbk`, {
          token,
          file: csv(iconv.encode(roster, 'gbk')),
        });
        return res.status === 202 || res.status === 200 ? res.body : null;
      },
      120_000,
    );
    expect(await finished(String(job['id']))).toMatchObject({ status: 'done', rowsApplied: 20 });
    // The county's programme: ten sessions of 2 hours, 20 hours to certify, every teacher of the roster enrolled.
    const county = await tokenFor(built.countyIds['east'], ['county-admin']);
    const programme = await api('POST', '/api/v1/training/programmes', {
      token: county,
      body: { title: '导入测试项目', category: 'ethics', requiredHours: 20, year: 2027, term: 'spring', assessment: 'none', capacity: 40 },
    });
    expect(programme.status).toBe(201);
    programmeId = programme.body['id'] as string;
    for (let s = 0; s < 10; s++) {
      const res = await api('POST', `/api/v1/training/programmes/${programmeId}/sessions`, {
        token: county,
        body: { date: day(s), hours: 2 },
      });
      expect(res.status).toBe(201);
    }
    const teachers = await api('GET', `/api/v1/training/schools/${school}/teachers?limit=100`, { token });
    for (const t of teachers.body['items'] as { id: string }[]) {
      const res = await api('POST', `/api/v1/training/programmes/${programmeId}/enrolments`, { token, body: { teacherId: t.id } });
      expect(res.status).toBe(201);
    }
  }, 180_000);

  it('a GBK attendance file (detected) is applied except its invalid rows, each named by row and column, and moves hours and certification; the same file again is the same job', async () => {
    // Every teacher at every session (2 hours each): 20 hours, certified; E0 loses two rows.
    const rows = Array.from({ length: 200 }, (_, i) => `${programmeId},${day(i % 10)},E${Math.floor(i / 10)},2`);
    rows[4] = `${programmeId},${day(4)},E99,2`;
    rows[8] = `${programmeId},${day(8)},E0,九`;
    const file = iconv.encode(['项目编号,培训日期,工号,学时', ...rows].join('\r\n'), 'gbk');
    const first = await api('POST', `/api/v1/training/schools/${school}/imports/attendance`, { token, file: csv(file) });
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ charset: 'gb18030', rowsTotal: 200, policy: 'apply-valid' });
    const job = await finished(String(first.body['id']));
    expect(job['status']).toBe('done');
    const errors = await api('GET', `/api/v1/training/imports/${String(first.body['id'])}/errors`, {
      token,
      headers: { 'accept-language': 'en' },
    });
    expect(errors.status).toBe(200);
    expect(errors.body['items']).toEqual([
      expect.objectContaining({ row: 6, column: 'staffNumber', rule: 'unknown-teacher' }),
      expect.objectContaining({ row: 10, column: 'hours', rule: 'type' }),
    ]);
    expect(job).toMatchObject({ rowsDone: 200, rowsFailed: 2, rowsApplied: 198 });
    const enrolments = await api('GET', `/api/v1/training/programmes/${programmeId}/enrolments?limit=100`, { token });
    const teachers = await api('GET', `/api/v1/training/schools/${school}/teachers?limit=100`, { token });
    const staffOf = new Map((teachers.body['items'] as { id: string; staffNumber: string }[]).map((t) => [t.id, t.staffNumber]));
    const byStaff = new Map(
      (enrolments.body['items'] as { teacherId: string; hours: number; certified: boolean }[]).map((e) => [staffOf.get(e.teacherId), e]),
    );
    expect(byStaff.get('E0')).toMatchObject({ hours: 16, certified: false });
    expect(byStaff.get('E1')).toMatchObject({ hours: 20, certified: true });
    expect(byStaff.get('E19')).toMatchObject({ hours: 20, certified: true });
    const again = await api('POST', `/api/v1/training/schools/${school}/imports/attendance`, { token, file: csv(file) });
    expect(again.status).toBe(200);
    expect(again.body['id']).toBe(first.body['id']);
  });

  it('refuses a wrong header (422) and JSON (415) before anything is applied', async () => {
    const path = `/api/v1/training/schools/${school}/imports/attendance`;
    const header = await api('POST', path, { token, file: csv(Buffer.from(`who,when\n${uniqueId('x')},1\n`)) });
    expect(header.status).toBe(422);
    expect(header.body['type']).toBe(problemTypeUrl('importHeader'));
    const json = await api('POST', path, { token, body: { sessionId: 'x' } });
    expect(json.status).toBe(415);
  });
});

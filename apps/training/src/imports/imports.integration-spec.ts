import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getModelToken } from '@nestjs/mongoose';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import iconv from 'iconv-lite';
import type { Model } from 'mongoose';
import { IMPORT_MAX_BYTES, problemTypeUrl, Topics } from '@pb/contracts';
import { IMPORT_JOB_MODEL, ImportJobs, type ImportJob } from '@pb/platform';
import { identity as as, seedUnit, startAtEnd, startService, type ServiceUnderTest } from '@pb/testing';
import { TeachersModule } from '../teachers/teachers.module.js';
import { ImportsModule } from './imports.module.js';
import { INTERIM_ATTENDANCE_MODEL, type InterimAttendance } from './interim-attendance-book.js';

// CSV imports of rosters and attendance on the real store and broker: a city, two counties, a school in each.
const run = randomBytes(3).toString('hex');
const [C, K1, K2, S1, S2] = ['city', 'k1', 'k2', 's1', 's2'].map((n) => `${n}-${run}`) as [string, string, string, string, string];
const TEACHERS = 50;
const staff = (i: number) => `T${String(i).padStart(4, '0')}`;

/** Attendance rows `sessionId,staffNumber,hours`: every teacher at `sessions` sessions (teachers x sessions rows). */
function attendanceLines(sessions: number, prefix: string): string[] {
  const lines: string[] = [];
  for (let s = 0; s < sessions; s++) for (let t = 0; t < TEACHERS; t++) lines.push(`${prefix}-${s},${staff(t)},${(s % 4) + 1}`);
  return lines;
}

describe('training: CSV import of rosters and attendance (M22)', () => {
  let app: NestFastifyApplication;
  let call: ServiceUnderTest['call'];
  let attendance: Model<InterimAttendance>;
  const school = as(S1, ['school-secretary']);
  const upload = (unit: string, kind: string, file: Buffer, query = '', headers: Record<string, string> = {}, who = school) =>
    call(who, 'POST', `/api/v1/training/schools/${unit}/imports/${kind}${query}`, file, headers);
  const finished = async (id: string) => {
    await app.get(ImportJobs).idle();
    return (await call(school, 'GET', `/api/v1/training/imports/${id}`)).body as Record<string, unknown>;
  };
  const countAt = (unitId: string) => attendance.countDocuments({ unitId });

  beforeAll(async () => {
    const groupId = `it-training-imports-${run}`;
    await startAtEnd(groupId, [Topics.orgUnitsState]);
    ({ app, call } = await startService(
      { service: 'training', consume: true, features: () => [TeachersModule, ImportsModule] },
      { db: `it_training_imp_${run}`, groupId },
    ));
    await seedUnit(app, { path: [C], kind: 'city-bureau' });
    await seedUnit(app, { path: [C, K1], kind: 'county-bureau' });
    await seedUnit(app, { path: [C, K2], kind: 'county-bureau' });
    await seedUnit(app, { path: [C, K1, S1], kind: 'school' });
    await seedUnit(app, { path: [C, K2, S2], kind: 'school' });
    attendance = app.get<Model<InterimAttendance>>(getModelToken(INTERIM_ATTENDANCE_MODEL));
    // The roster first, as a spreadsheet saves it in UTF-8: a BOM, Chinese headings, 是/否.
    const roster = ['姓名,工号,学科,出生年份,是否党员'];
    for (let t = 0; t < TEACHERS; t++) roster.push(`教师${t},${staff(t)},语文,${1970 + (t % 30)},${t % 2 ? '是' : '否'}`);
    const res = await upload(S1, 'teachers', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(roster.join('\r\n'), 'utf8')]));
    expect(res.status).toBe(202);
    const job = await finished(res.body.id);
    expect(job).toMatchObject({ status: 'done', charset: 'utf-8', rowsTotal: TEACHERS, rowsApplied: TEACHERS, rowsFailed: 0 });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('imports a school roster from UTF-8 with BOM and Chinese headings (是/否 read as booleans)', async () => {
    const page = await call(school, 'GET', `/api/v1/training/schools/${S1}/teachers?limit=100`);
    expect(page.body.items).toHaveLength(TEACHERS);
    expect(page.body.items.find((t: { staffNumber: string }) => t.staffNumber === staff(1))).toMatchObject({
      name: '教师1',
      partyMember: true,
    });
  });

  it('a 1,000-row attendance file saved as GBK with 7 invalid rows: 993 applied, 7 errors with row and column; the same file again changes nothing', async () => {
    const lines = attendanceLines(20, 'gbk');
    // Seven rows broken the ways a spreadsheet user breaks them (data rows start at spreadsheet row 2).
    const broken: [number, string, string][] = [
      [10, 'gbk-0,T0010,abc', 'hours'],
      [55, 'gbk-1,T0005,30', 'hours'],
      [120, 'gbk-2,,2', 'staffNumber'],
      [300, 'gbk-6,T9999,2', 'staffNumber'],
      [444, 'gbk 8,T0044,2', 'sessionId'],
      [700, 'gbk-14,T0000,-1', 'hours'],
      [999, 'gbk-19,T0049,2,多余', ''],
    ];
    for (const [i, line] of broken) lines[i] = line;
    const file = iconv.encode(['场次,工号,学时', ...lines].join('\r\n') + '\r\n', 'gbk');
    expect(file.includes(Buffer.from('工号', 'utf8'))).toBe(false);

    const res = await upload(S1, 'attendance', file);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ kind: 'attendance', unitId: S1, policy: 'apply-valid', charset: 'gb18030', rowsTotal: 1000 });
    const job = await finished(res.body.id);
    expect(job).toMatchObject({ status: 'done', rowsDone: 1000, rowsApplied: 993, rowsFailed: 7, errorsStored: 7 });
    expect(await countAt(S1)).toBe(993);

    const errors = await call(school, 'GET', `/api/v1/training/imports/${res.body.id}/errors?limit=100`);
    expect(errors.status).toBe(200);
    expect(errors.body.items.map((e: { row: number; column: string | null }) => [e.row, e.column ?? ''])).toEqual(
      broken.map(([i, , column]) => [i + 2, column]),
    );
    expect(errors.body.items[3]).toMatchObject({ rule: 'unknown-teacher', value: 'T9999' });
    for (const e of errors.body.items) expect(e.message.zh).toMatch(/[\u4e00-\u9fff]/);

    const again = await upload(S1, 'attendance', file);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(job);
    await app.get(ImportJobs).idle();
    expect(await countAt(S1)).toBe(993);
    expect(await finished(res.body.id)).toEqual(job);
  });

  it('all-or-nothing with one bad row applies nothing; apply-valid of the same file is its own job', async () => {
    const lines = attendanceLines(2, 'aon');
    lines[37] = 'aon-0,T0037,x';
    const file = Buffer.from(['sessionId,staffNumber,hours', ...lines].join('\n'), 'utf8');
    const before = await countAt(S1);
    const res = await upload(S1, 'attendance', file, '?policy=all-or-nothing');
    expect(res.status).toBe(202);
    const job = await finished(res.body.id);
    expect(job).toMatchObject({ status: 'rejected', policy: 'all-or-nothing', rowsTotal: 100, rowsApplied: 0, rowsFailed: 1 });
    expect(await countAt(S1)).toBe(before);
    const errors = await call(school, 'GET', `/api/v1/training/imports/${res.body.id}/errors`);
    expect(errors.body.items).toEqual([expect.objectContaining({ row: 39, column: 'hours', rule: 'type' })]);

    const valid = await upload(S1, 'attendance', file, '?policy=apply-valid');
    expect(valid.status).toBe(202);
    expect(valid.body.id).not.toBe(res.body.id);
    expect(await finished(valid.body.id)).toMatchObject({ status: 'done', rowsApplied: 99 });
    expect(await countAt(S1)).toBe(before + 99);
  });

  it('a wrong header, an empty file, a header alone, a file over the limit and an unknown charset are refused whole: nothing applied, no job', async () => {
    const jobs = app.get<Model<ImportJob>>(getModelToken(IMPORT_JOB_MODEL));
    const jobsBefore = await jobs.countDocuments({});
    const before = await countAt(S1);

    const header = await upload(S1, 'attendance', Buffer.from('session,staffNumber,hours\nhdr-1,T0001,2\n'));
    expect(header.status).toBe(422);
    expect(header.body.type).toBe(problemTypeUrl('importHeader'));
    expect(header.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ pointer: '/header/0', rule: 'unknown-column' }),
        expect.objectContaining({ pointer: '/header/sessionId', rule: 'required' }),
      ]),
    );

    const empty = await upload(S1, 'attendance', Buffer.alloc(0), '', { 'content-type': 'text/csv' });
    expect(empty.status).toBe(422);
    expect(empty.body.type).toBe(problemTypeUrl('emptyFile'));
    const headerOnly = await upload(S1, 'attendance', Buffer.from('sessionId,staffNumber,hours\r\n'));
    expect(headerOnly.status).toBe(422);
    expect(headerOnly.body.type).toBe(problemTypeUrl('emptyFile'));

    const big = Buffer.alloc(IMPORT_MAX_BYTES + 1, 'a');
    const tooLarge = await upload(S1, 'attendance', big);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.type).toBe(problemTypeUrl('fileTooLarge'));

    const charset = await upload(S1, 'attendance', Buffer.from('sessionId,staffNumber\nx-1,T0001\n'), '', {
      'content-type': 'text/csv; charset=big5',
    });
    expect(charset.status).toBe(415);
    const json = await call(school, 'POST', `/api/v1/training/schools/${S1}/imports/attendance`, { rows: [] });
    expect(json.status).toBe(415);

    expect(await jobs.countDocuments({})).toBe(jobsBefore);
    expect(await countAt(S1)).toBe(before);
  });

  it("another county's administrator reaches neither the school's uploads nor its jobs (404)", async () => {
    const file = Buffer.from('sessionId,staffNumber\nscope-1,T0001\n');
    const foreign = as(K2, ['county-admin']);
    expect((await upload(S1, 'attendance', file, '', {}, foreign)).status).toBe(404);
    const own = await upload(S1, 'attendance', file, '', {}, as(K1, ['county-admin']));
    expect(own.status).toBe(202);
    expect((await call(foreign, 'GET', `/api/v1/training/imports/${own.body.id}`)).status).toBe(404);
    expect((await call(foreign, 'GET', `/api/v1/training/imports/${own.body.id}/errors`)).status).toBe(404);
    expect((await call(as(C, ['city-admin']), 'GET', `/api/v1/training/imports/${own.body.id}`)).status).toBe(200);
    expect(await finished(own.body.id)).toMatchObject({ status: 'done', rowsApplied: 1 });
  });

  it('a 100,000-row file is imported with its progress visible while it runs', async () => {
    const lines = attendanceLines(2000, 'big');
    const file = Buffer.from(['sessionId,staffNumber,hours', ...lines].join('\n'), 'utf8');
    const before = await countAt(S1);
    const res = await upload(S1, 'attendance', file);
    expect(res.status).toBe(202);
    expect(res.body.rowsTotal).toBe(100_000);
    const seen: number[] = [];
    for (;;) {
      const job = (await call(school, 'GET', `/api/v1/training/imports/${res.body.id}`)).body;
      seen.push(job.rowsDone);
      if (job.status === 'done' || job.status === 'failed') {
        expect(job).toMatchObject({ status: 'done', rowsDone: 100_000, rowsApplied: 100_000, rowsFailed: 0 });
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(seen.some((n) => n > 0 && n < 100_000)).toBe(true);
    expect(await countAt(S1)).toBe(before + 100_000);
  }, 600_000);
});

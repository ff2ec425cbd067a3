import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getModelToken } from '@nestjs/mongoose';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import iconv from 'iconv-lite';
import type { Model } from 'mongoose';
import { IMPORT_MAX_BYTES, problemTypeUrl, Topics } from '@pb/contracts';
import { IMPORT_JOB_MODEL, ImportJobs, type ImportJob } from '@pb/platform';
import { identity as as, seedUnit, startAtEnd, startService, type ServiceUnderTest } from '@pb/testing';
import { ENROLMENT_MODEL, type Enrolment } from '../enrolments/enrolment.schema.js';
import { TeachersModule } from '../teachers/teachers.module.js';
import { ImportsModule } from './imports.module.js';

// CSV imports of rosters and attendance on the real store and broker: a city, two counties, a school in
// each; attendance goes to the training records (programmes organised by the county, their sessions,
// the school's teachers enrolled), so it moves hours and certification.
const run = randomBytes(3).toString('hex');
const [C, K1, K2, S1, S2] = ['city', 'k1', 'k2', 's1', 's2'].map((n) => `${n}-${run}`) as [string, string, string, string, string];
const TEACHERS = 50;
const SESSION_HOURS = 4;
const staff = (i: number) => `T${String(i).padStart(4, '0')}`;
/** The n-th session date of a programme (a session's id is its date). */
const day = (n: number) => new Date(Date.UTC(2027, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
/** Hours attended at the s-th session in the generated files. */
const hoursAt = (s: number) => (s % 4) + 1;

/** Attendance rows `programmeId,sessionId,staffNumber,hours`: every teacher at `sessions` sessions of the programme (teachers x sessions rows). */
function attendanceLines(programmeId: string, sessions: number): string[] {
  const lines: string[] = [];
  for (let s = 0; s < sessions; s++) for (let t = 0; t < TEACHERS; t++) lines.push(`${programmeId},${day(s)},${staff(t)},${hoursAt(s)}`);
  return lines;
}

describe('training: CSV import of rosters and attendance (M22)', () => {
  let app: NestFastifyApplication;
  let call: ServiceUnderTest['call'];
  let enrolments: Model<Enrolment>;
  const teacherIds: string[] = [];
  const school = as(S1, ['school-secretary']);
  const county = as(K1, ['county-admin']);
  const upload = (unit: string, kind: string, file: Buffer, query = '', headers: Record<string, string> = {}, who = school) =>
    call(who, 'POST', `/api/v1/training/schools/${unit}/imports/${kind}${query}`, file, headers);
  const finished = async (id: string) => {
    await app.get(ImportJobs).idle();
    return (await call(school, 'GET', `/api/v1/training/imports/${id}`)).body as Record<string, unknown>;
  };
  /** The attendance recorded at the school (sessions over all its enrolments, optionally of one programme) and the hours it brought. */
  const attendedAt = async (unitId: string, programmeId?: string) => {
    const docs = await enrolments
      .find({ unitId, ...(programmeId ? { programmeId } : {}) }, { attended: 1, hours: 1 })
      .lean<Pick<Enrolment, 'attended' | 'hours'>[]>();
    return {
      sessions: docs.reduce((n, e) => n + e.attended.length, 0),
      hours: docs.reduce((n, e) => n + e.hours, 0),
    };
  };
  const countAt = async (unitId: string) => (await attendedAt(unitId)).sessions;
  /** A programme of the county open to S1: `sessions` sessions of SESSION_HOURS, every teacher of the roster enrolled. */
  const programme = async (name: string, sessions: number, requiredHours = 1000) => {
    const id = `${name}-${run}`;
    const made = await call(county, 'POST', '/api/v1/training/programmes', {
      id,
      title: `导入测试 ${name}`,
      category: 'subject-teaching',
      requiredHours,
      year: 2027,
      term: 'full-year',
      assessment: 'none',
      capacity: 1000,
    });
    expect(made.status).toBe(201);
    for (let s = 0; s < sessions; s++) {
      const res = await call(county, 'POST', `/api/v1/training/programmes/${id}/sessions`, { date: day(s), hours: SESSION_HOURS });
      expect(res.status).toBe(201);
    }
    for (const teacherId of teacherIds) {
      const res = await call(school, 'POST', `/api/v1/training/programmes/${id}/enrolments`, { teacherId });
      expect(res.status).toBe(201);
    }
    return id;
  };

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
    enrolments = app.get<Model<Enrolment>>(getModelToken(ENROLMENT_MODEL));
    // The roster first, as a spreadsheet saves it in UTF-8: a BOM, Chinese headings, 是/否.
    const roster = ['姓名,工号,学科,出生年份,是否党员'];
    for (let t = 0; t < TEACHERS; t++) roster.push(`教师${t},${staff(t)},语文,${1970 + (t % 30)},${t % 2 ? '是' : '否'}`);
    const res = await upload(S1, 'teachers', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(roster.join('\r\n'), 'utf8')]));
    expect(res.status).toBe(202);
    const job = await finished(res.body.id);
    expect(job).toMatchObject({ status: 'done', charset: 'utf-8', rowsTotal: TEACHERS, rowsApplied: TEACHERS, rowsFailed: 0 });
    const page = await call(school, 'GET', `/api/v1/training/schools/${S1}/teachers?limit=100`);
    // By staff number: teacherIds[t] is staff(t)'s id.
    const byStaff = new Map<string, string>(page.body.items.map((t: { id: string; staffNumber: string }) => [t.staffNumber, t.id]));
    for (let t = 0; t < TEACHERS; t++) teacherIds.push(byStaff.get(staff(t))!);
  }, 120_000);
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

  it('a 1,000-row attendance file saved as GBK with 7 invalid rows: 993 applied to the training records (hours, certification), 7 errors with row and column; the same file again changes nothing', async () => {
    const P = await programme('gbk', 20, 40);
    const lines = attendanceLines(P, 20);
    // Seven rows broken the ways a spreadsheet user breaks them (data rows start at spreadsheet row 2):
    // in a cell, on the roster, or against the programme (a session it lacks, more hours than the session's, another programme).
    // The rule is named where the importer or the training records refuse the row (the schema's rules are the platform's).
    const broken: [number, string, string, string | null][] = [
      [10, `${P},${day(0)},T0010,abc`, 'hours', null],
      [55, `${P},${day(1)},T0005,${SESSION_HOURS + 1}`, 'hours', 'session-hours'],
      [120, `${P},${day(2)},,2`, 'staffNumber', null],
      [300, `${P},${day(6)},T9999,2`, 'staffNumber', 'unknown-teacher'],
      [444, `${P},2026-12-31,T0044,2`, 'sessionId', 'session'],
      [700, `nope-${run},${day(14)},T0000,1`, 'programmeId', 'programme'],
      [999, `${P},${day(19)},T0049,2,多余`, '', null],
    ];
    for (const [i, line] of broken) lines[i] = line;
    const file = iconv.encode(['项目编号,培训日期,工号,学时', ...lines].join('\r\n') + '\r\n', 'gbk');
    expect(file.includes(Buffer.from('工号', 'utf8'))).toBe(false);
    // What the 993 valid rows bring: every generated row's hours but the broken ones'.
    const brokenAt = new Set(broken.map(([i]) => i));
    const hoursExpected = attendanceLines(P, 20).reduce((n, _, i) => (brokenAt.has(i) ? n : n + hoursAt(Math.floor(i / TEACHERS))), 0);

    const res = await upload(S1, 'attendance', file);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ kind: 'attendance', unitId: S1, policy: 'apply-valid', charset: 'gb18030', rowsTotal: 1000 });
    const job = await finished(res.body.id);
    expect(job).toMatchObject({ status: 'done', rowsDone: 1000, rowsApplied: 993, rowsFailed: 7, errorsStored: 7 });
    expect(await attendedAt(S1, P)).toEqual({ sessions: 993, hours: hoursExpected });

    const errors = await call(school, 'GET', `/api/v1/training/imports/${res.body.id}/errors?limit=100`);
    expect(errors.status).toBe(200);
    expect(errors.body.items.map((e: { row: number; column: string | null }) => [e.row, e.column ?? ''])).toEqual(
      broken.map(([i, , column]) => [i + 2, column]),
    );
    for (const [k, [, , , rule]] of broken.entries()) if (rule) expect(errors.body.items[k].rule).toBe(rule);
    expect(errors.body.items[3]).toMatchObject({ rule: 'unknown-teacher', value: 'T9999' });
    expect(errors.body.items[5]).toMatchObject({ rule: 'programme', value: `nope-${run}` });
    for (const e of errors.body.items) {
      expect(e.message.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(e.message.en).toMatch(/[a-z]/);
    }

    // The hours moved: a teacher with every row applied (T0001) has 5 x (1+2+3+4) = 50 of 40 hours,
    // certified (no assessment); T0005 lost its 2 hours of the second session.
    const listed = await call(school, 'GET', `/api/v1/training/programmes/${P}/enrolments?limit=100`);
    const items = listed.body.items as { teacherId: string; hours: number; sessionIds: string[] }[];
    const of = (t: number) => items.find((e) => e.teacherId === teacherIds[t])!;
    expect(of(1)).toMatchObject({ hours: 50, completed: true, certified: true });
    expect(of(1).sessionIds).toHaveLength(20);
    expect(of(5)).toMatchObject({ hours: 48 });
    expect(of(5).sessionIds).not.toContain(day(1));

    const again = await upload(S1, 'attendance', file);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(job);
    await app.get(ImportJobs).idle();
    expect(await attendedAt(S1, P)).toEqual({ sessions: 993, hours: hoursExpected });
    expect(await finished(res.body.id)).toEqual(job);
  });

  it('all-or-nothing: a row the training records refuse (a session the programme lacks) is found by the dry run, nothing applied; apply-valid of the same file is its own job', async () => {
    const P = await programme('aon', 2);
    const lines = attendanceLines(P, 2);
    lines[37] = `${P},${day(5)},T0037,1`;
    lines[60] = `${P},${day(1)},T0010,x`;
    const file = Buffer.from(['programmeId,sessionId,staffNumber,hours', ...lines].join('\n'), 'utf8');
    const res = await upload(S1, 'attendance', file, '?policy=all-or-nothing');
    expect(res.status).toBe(202);
    const job = await finished(res.body.id);
    expect(job).toMatchObject({ status: 'rejected', policy: 'all-or-nothing', rowsTotal: 100, rowsApplied: 0, rowsFailed: 2 });
    expect(await attendedAt(S1, P)).toEqual({ sessions: 0, hours: 0 });
    const errors = await call(school, 'GET', `/api/v1/training/imports/${res.body.id}/errors`);
    expect(errors.body.items).toEqual([
      expect.objectContaining({ row: 39, column: 'sessionId', rule: 'session', value: day(5) }),
      expect.objectContaining({ row: 62, column: 'hours', rule: 'type' }),
    ]);

    const valid = await upload(S1, 'attendance', file, '?policy=apply-valid');
    expect(valid.status).toBe(202);
    expect(valid.body.id).not.toBe(res.body.id);
    expect(await finished(valid.body.id)).toMatchObject({ status: 'done', rowsApplied: 98, rowsFailed: 2 });
    expect((await attendedAt(S1, P)).sessions).toBe(98);
  });

  it("all-or-nothing: a teacher on the roster but not enrolled is found by the dry run; a programme of another county is every one of its rows' error", async () => {
    const P = await programme('unenrolled', 1);
    const extra = await call(school, 'POST', `/api/v1/training/schools/${S1}/teachers`, {
      name: '未报名',
      staffNumber: 'X0001',
      subject: '数学',
      birthYear: 1990,
      partyMember: false,
    });
    expect(extra.status).toBe(201);
    const foreign = await call(as(K2, ['county-admin']), 'POST', '/api/v1/training/programmes', {
      id: `k2-${run}`,
      title: '外县项目',
      category: 'management',
      requiredHours: 8,
      year: 2027,
      term: 'spring',
      assessment: 'none',
      capacity: 10,
    });
    expect(foreign.status).toBe(201);
    const rows = [`${P},${day(0)},T0001,2`, `${P},${day(0)},X0001,2`, `k2-${run},${day(0)},T0002,2`, `k2-${run},${day(0)},T0003,2`];
    const file = Buffer.from(['programmeId,sessionId,staffNumber,hours', ...rows].join('\n'), 'utf8');
    const res = await upload(S1, 'attendance', file, '?policy=all-or-nothing');
    expect(await finished(res.body.id)).toMatchObject({ status: 'rejected', rowsApplied: 0, rowsFailed: 3 });
    expect(await attendedAt(S1, P)).toEqual({ sessions: 0, hours: 0 });
    const errors = await call(school, 'GET', `/api/v1/training/imports/${res.body.id}/errors`);
    expect(errors.body.items.map((e: { row: number; column: string; rule: string }) => [e.row, e.column, e.rule])).toEqual([
      [3, 'staffNumber', 'enrolled'],
      [4, 'programmeId', 'programme'],
      [5, 'programmeId', 'programme'],
    ]);
  });

  it('a wrong header, an empty file, a header alone, a file over the limit and an unknown charset are refused whole: nothing applied, no job', async () => {
    const jobs = app.get<Model<ImportJob>>(getModelToken(IMPORT_JOB_MODEL));
    const jobsBefore = await jobs.countDocuments({});
    const before = await countAt(S1);

    const header = await upload(S1, 'attendance', Buffer.from(`session,programmeId,staffNumber,hours\nhdr-1,x-${run},T0001,2\n`));
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
    const headerOnly = await upload(S1, 'attendance', Buffer.from('programmeId,sessionId,staffNumber,hours\r\n'));
    expect(headerOnly.status).toBe(422);
    expect(headerOnly.body.type).toBe(problemTypeUrl('emptyFile'));

    const big = Buffer.alloc(IMPORT_MAX_BYTES + 1, 'a');
    const tooLarge = await upload(S1, 'attendance', big);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.type).toBe(problemTypeUrl('fileTooLarge'));

    const charset = await upload(S1, 'attendance', Buffer.from(`programmeId,sessionId,staffNumber\ngbk-${run},${day(0)},T0001\n`), '', {
      'content-type': 'text/csv; charset=big5',
    });
    expect(charset.status).toBe(415);
    const json = await call(school, 'POST', `/api/v1/training/schools/${S1}/imports/attendance`, { rows: [] });
    expect(json.status).toBe(415);

    expect(await jobs.countDocuments({})).toBe(jobsBefore);
    expect(await countAt(S1)).toBe(before);
  });

  it("another county's administrator reaches neither the school's uploads nor its jobs (404)", async () => {
    // T0001 attended that session already (the GBK file): applied, changing nothing.
    const file = Buffer.from(`programmeId,sessionId,staffNumber\ngbk-${run},${day(0)},T0001\n`);
    const foreign = as(K2, ['county-admin']);
    expect((await upload(S1, 'attendance', file, '', {}, foreign)).status).toBe(404);
    const own = await upload(S1, 'attendance', file, '', {}, as(K1, ['county-admin']));
    expect(own.status).toBe(202);
    expect((await call(foreign, 'GET', `/api/v1/training/imports/${own.body.id}`)).status).toBe(404);
    expect((await call(foreign, 'GET', `/api/v1/training/imports/${own.body.id}/errors`)).status).toBe(404);
    expect((await call(as(C, ['city-admin']), 'GET', `/api/v1/training/imports/${own.body.id}`)).status).toBe(200);
    expect(await finished(own.body.id)).toMatchObject({ status: 'done', rowsApplied: 1 });
  });

  it('a 100,000-row file over five programmes is imported with its progress visible while it runs, every row recorded', async () => {
    const programmes: string[] = [];
    for (let p = 0; p < 5; p++) programmes.push(await programme(`big${p}`, 400));
    const lines = programmes.flatMap((p) => attendanceLines(p, 400));
    const file = Buffer.from(['programmeId,sessionId,staffNumber,hours', ...lines].join('\n'), 'utf8');
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
    // 400 sessions of 1+2+3+4 hours in turn: 1,000 hours for each of the 50 teachers in each programme.
    expect((await attendedAt(S1, programmes[4])).hours).toBe(TEACHERS * 1000);
  }, 900_000);
});

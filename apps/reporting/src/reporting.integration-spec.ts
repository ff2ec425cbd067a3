import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DateTime } from 'luxon';
import { Topics } from '@pb/contracts';
import { Clock, OrgUnitDirectory, PartyOrgDirectory, scopedModelToken, type Identity, type OrgUnitKind } from '@pb/platform';
import { identity, seedUnit, shanghai as sh, startAtEnd, startService, type ServiceUnderTest } from '@pb/testing';
import { getConnectionToken, getModelToken } from '@nestjs/mongoose';
import { OutboxRelay } from '@pb/messaging';
import type { Model } from 'mongoose';
import { CalendarService } from './calendar/calendar.service.js';
import { COMPLIANCE_MODEL, type ComplianceCounter } from './compliance/compliance.schema.js';
import { ComplianceService } from './compliance/compliance.service.js';
import { HALF_MONTH_REPORT_MODEL } from './reports/half-month-report.schema.js';
import { REPORT_HISTORY_MODEL } from './reports/report-history.schema.js';
import { HISTORY_BATCH, ReportsService } from './reports/reports.service.js';
import { PERIOD_MODEL } from './scheduler/period.schema.js';
import { DeadlineScheduler } from './scheduler/deadline.scheduler.js';
import { ReportsModule } from './reports/reports.module.js';
import { ReportPeriod } from './periods/report-period.js';

// The semi-monthly reporting system on the real store and broker, with the server in UTC and the
// city in Asia/Shanghai. The clock is the only thing the test sets.
process.env['TZ'] = 'UTC';
const run = randomBytes(3).toString('hex');

// A city, two counties with 8 schools each, and 4 city-direct schools: 20 schools, one party
// organisation each. County 1 reports to its county only, county 2 to county and city both
// (分别报送市、县两级), city-direct schools to the city.
const C = `city-${run}`;
const K1 = `k1-${run}`;
const K2 = `k2-${run}`;
const schools = Array.from({ length: 20 }, (_, i) => ({
  n: i + 1,
  id: `s${i + 1}-${run}`,
  partyOrgId: `po${i + 1}-${run}`,
  parent: i < 8 ? K1 : i < 16 ? K2 : C,
}));
const periods = ['2027-01-H1', '2027-01-H2', '2027-02-H1', '2027-02-H2'];
/** The fixture's rule: school n in period p is on time when (n+p)%4 is 0 or 1, late when 2, missing when 3. */
const fate = (n: number, p: number) => (['on-time', 'on-time', 'late', 'missing'] as const)[(n + p) % 4];

describe('semi-monthly reporting', () => {
  let app: NestFastifyApplication;
  let call: ServiceUnderTest['call'];
  let now = sh('2027-01-01T08:00');
  const as = identity;
  const secretaryOf = (schoolId: string) => as(schoolId, ['school-secretary']);
  const submit = (
    schoolId: string,
    partyOrgId: string,
    periodId: string,
    key: string,
    content: object = { freeText: `${periodId} 工作记实` },
  ) => call(secretaryOf(schoolId), 'POST', `/api/v1/reports/${partyOrgId}/${periodId}/submit`, { content }, { 'idempotency-key': key });
  /** A bureau's review decision, over the version it read (If-Match) when `etag` is given. */
  const review = (who: Identity, partyOrgId: string, periodId: string, body: object, etag?: string) =>
    call(who, 'POST', `/api/v1/reports/${partyOrgId}/${periodId}/reviews`, body, etag ? { 'if-match': etag } : {});

  beforeAll(async () => {
    // The directory below is seeded directly: the topics' history is not this test's.
    const groupId = `it-reporting-${run}`;
    await startAtEnd(groupId, [Topics.reportingReports, Topics.orgUnitsState, Topics.partyOrgs]);
    ({ app, call } = await startService(
      { service: 'reporting', consume: true, features: () => [ReportsModule.register({ tickMs: 0 })] },
      { db: `it_reporting_${run}`, groupId },
    ));
    app.get(Clock).now = () => now;
    const directory = app.get(PartyOrgDirectory);
    const unit = (unitId: string, kind: OrgUnitKind, path: string[]) => seedUnit(app, { path, kind, code: unitId.toUpperCase() });
    await unit(C, 'city-bureau', [C]);
    await unit(K1, 'county-bureau', [C, K1]);
    await unit(K2, 'county-bureau', [C, K2]);
    for (const s of schools) {
      const path = s.parent === C ? [C, s.id] : [C, s.parent, s.id];
      await unit(s.id, 'school', path);
      await directory.applyPartyOrg(
        {
          partyOrgId: s.partyOrgId,
          unitId: s.id,
          unitPath: path,
          supervisorId: s.parent,
          routing: s.parent === K2 ? 'both-levels' : 'single',
          active: true,
          version: 1,
        },
        `seed-${s.partyOrgId}`,
      );
    }
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  });

  it('runs four periods: opens each, takes on-time and late submissions, classifies the missing once', async () => {
    const scheduler = app.get(DeadlineScheduler);
    // A second replica's scheduler: same database, its own lease holder.
    const replica = new DeadlineScheduler(
      app.get(getConnectionToken()),
      app.get(getModelToken(PERIOD_MODEL)),
      app.get(scopedModelToken(HALF_MONTH_REPORT_MODEL)),
      { tickMs: 0 },
      app.get(ReportsService),
      app.get(PartyOrgDirectory),
      app.get(OrgUnitDirectory),
      app.get(CalendarService),
      app.get(OutboxRelay),
      app.get(Clock),
    );
    const opened: string[] = [];
    for (const [p, periodId] of periods.entries()) {
      const period = ReportPeriod.parse(periodId);
      const window = period.window((await call(as(C, ['city-admin']), 'GET', '/api/v1/reporting/calendar')).body);
      now = new Date(window.opensAt.getTime() + 3_600_000);
      opened.push(...(await scheduler.tick()).opened);
      // A period opens at the first tick after its window opens (which may be the previous deadline's).
      expect(opened).toContain(periodId);
      // One minute before the deadline (23:59 on the 12th, or on the last day) and one after (00:01).
      now = new Date(window.dueAt.getTime() - 60_000);
      for (const s of schools.filter((s) => fate(s.n, p) === 'on-time')) {
        const res = await submit(s.id, s.partyOrgId, periodId, `k-${s.n}-${periodId}`);
        expect(res.status).toBe(200);
        expect(res.body.timeliness).toBe('on-time');
      }
      now = new Date(window.dueAt.getTime() + 60_000);
      for (const s of schools.filter((s) => fate(s.n, p) === 'late')) {
        const res = await submit(s.id, s.partyOrgId, periodId, `k-${s.n}-${periodId}`);
        expect(res.body.timeliness).toBe('late');
      }
      // Two replicas at the deadline: the lease lets one act; a later pass changes nothing.
      const passes = await Promise.all([scheduler.tick(), replica.tick()]);
      expect(passes.filter((x) => x.leader)).toHaveLength(1);
      expect(passes.flatMap((x) => x.closed)).toEqual([periodId]);
      opened.push(...passes.flatMap((x) => x.opened));
      const leader = passes[0].leader ? scheduler : replica;
      expect((await leader.tick()).closed).toEqual([]);
      const missing = await call(as(C, ['city-admin']), 'GET', `/api/v1/reporting/missing?period=${periodId}`);
      expect(missing.body.missing.map((m: { unitId: string }) => m.unitId).sort()).toEqual(
        schools
          .filter((s) => fate(s.n, p) === 'missing')
          .map((s) => s.id)
          .sort(),
      );
    }
  }, 300_000);

  it('times H1 by Asia/Shanghai with the server in UTC: 23:59 on the 12th on time, 00:01 on the 13th late', async () => {
    const s1 = schools[0]; // n=1, period 0 -> on time
    const s2 = schools[1]; // n=2, period 0 -> late
    const r1 = await call(secretaryOf(s1.id), 'GET', `/api/v1/reports/${s1.partyOrgId}/2027-01-H1`);
    const r2 = await call(secretaryOf(s2.id), 'GET', `/api/v1/reports/${s2.partyOrgId}/2027-01-H1`);
    expect(DateTime.fromISO(r1.body.firstSubmittedAt as string, { zone: 'Asia/Shanghai' }).toFormat('yyyy-MM-dd HH:mm')).toBe(
      '2027-01-12 23:59',
    );
    expect(r1.body.timeliness).toBe('on-time');
    expect(DateTime.fromISO(r2.body.firstSubmittedAt as string, { zone: 'Asia/Shanghai' }).toFormat('yyyy-MM-dd HH:mm')).toBe(
      '2027-01-13 00:01',
    );
    expect(r2.body.timeliness).toBe('late');
  });

  it('keeps compliance rates that match the hand-computed fixture (20 schools x 4 periods)', async () => {
    const city = as(C, ['city-admin']);
    let overTime: { total: Record<string, number>; periods: Record<string, number | string>[] } | undefined;
    const deadline = Date.now() + 90_000;
    for (;;) {
      overTime = (await call(city, 'GET', `/api/v1/reporting/compliance?from=2027-01-H1&to=2027-02-H2`)).body;
      if (overTime?.total['expected'] === 80 && overTime.total['actual'] === 60) break;
      if (Date.now() > deadline) throw new Error(`compliance never caught up: ${JSON.stringify(overTime?.total)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    // Per period: 20 expected, 15 submitted (10 on time, 5 late), 5 missing -> 75 % and 50 %.
    expect(overTime.total).toEqual({ expected: 80, actual: 60, onTime: 40, reportingRate: 75, onTimeRate: 50 });
    for (const row of overTime.periods)
      expect(row).toMatchObject({ expected: 20, actual: 15, onTime: 10, reportingRate: 75, onTimeRate: 50 });
    const breakdown = (await call(city, 'GET', `/api/v1/reporting/compliance/breakdown?from=2027-01-H1&to=2027-02-H2`)).body.rows as Record<
      string,
      unknown
    >[];
    const byId = Object.fromEntries(breakdown.map((r) => [r['unitId'], r]));
    expect(byId[K1]).toMatchObject({ expected: 32, actual: 24, onTime: 16, reportingRate: 75, onTimeRate: 50 });
    expect(byId[K2]).toMatchObject({ expected: 32, actual: 24, onTime: 16 });
    // City-direct school 17: periods 0..3 -> (17+p)%4 = 1,2,3,0 -> on time, late, missing, on time.
    expect(byId[schools[16].id]).toMatchObject({ expected: 4, actual: 3, onTime: 2, reportingRate: 75, onTimeRate: 50 });
    const school1 = (
      await call(as(K1, ['county-admin']), 'GET', `/api/v1/reporting/compliance?unit=${schools[0].id}&from=2027-01-H1&to=2027-02-H2`)
    ).body;
    expect(school1.total).toEqual({ expected: 4, actual: 3, onTime: 2, reportingRate: 75, onTimeRate: 50 });
    const csv = await call(city, 'GET', `/api/v1/reporting/compliance/breakdown.csv?from=2027-01-H1&to=2027-02-H2`);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect((csv.body as string).startsWith('\uFEFF单位代码 code,')).toBe(true);
    expect(csv.body as string).toContain(`${K1.toUpperCase()},${K1},32,24,16,75,50`);
  }, 120_000);

  it('adds a run of counter events handed over again only once (the last offset per partition rides in each counter)', async () => {
    const compliance = app.get(ComplianceService);
    const counters = app.get<Model<ComplianceCounter>>(getModelToken(COMPLIANCE_MODEL));
    const path = [`rc-${run}`, `rk-${run}`, `rs-${run}`];
    const periodId = '2030-01-H1';
    const expected = (offset: number, partition = 0) => ({ unitPath: path, periodId, inc: { expected: 1 }, partition, offset });
    const submitted = (offset: number, partition = 0) => ({ unitPath: path, periodId, inc: { actual: 1, onTime: 1 }, partition, offset });
    await compliance.countRun([expected(10), submitted(11)]);
    // A crash before the ledger recorded the run: the same records again, then a longer run from the same place.
    await compliance.countRun([expected(10), submitted(11)]);
    await compliance.countRun([expected(10), submitted(11), expected(12)]);
    // A county or the city takes events from every partition: each keeps its own offset.
    await compliance.countRun([expected(5, 1)]);
    const docs = await counters.find({ _id: { $in: path.map((u) => `${u}:${periodId}`) } }).lean<ComplianceCounter[]>();
    expect(docs).toHaveLength(3);
    for (const d of docs) expect(d).toMatchObject({ expected: 3, actual: 1, onTime: 1, applied: { p0: 12, p1: 5 } });
  });

  it('keeps a county out of city-direct schools and out of the other county', async () => {
    const k1 = as(K1, ['county-admin']);
    const cityDirect = schools[16];
    const otherCounty = schools[8];
    for (const s of [cityDirect, otherCounty]) {
      expect((await call(k1, 'GET', `/api/v1/reports/${s.partyOrgId}/2027-01-H1`)).status).toBe(404);
      expect((await call(k1, 'POST', `/api/v1/reports/${s.partyOrgId}/2027-01-H1/reviews`, { decision: 'accept' })).status).toBe(404);
      expect((await call(k1, 'GET', `/api/v1/reporting/compliance?unit=${s.id}&from=2027-01-H1`)).status).toBe(404);
    }
    expect((await call(k1, 'GET', `/api/v1/reporting/compliance?unit=${C}&from=2027-01-H1`)).status).toBe(404);
    // A school cannot read another school's report either.
    expect((await call(secretaryOf(schools[0].id), 'GET', `/api/v1/reports/${schools[1].partyOrgId}/2027-01-H1`)).status).toBe(404);
  });

  it('routes by affiliation: county 2 and the city review independently; county 1 alone reviews its schools', async () => {
    const k2school = schools[8]; // n=9, period 3 (2027-02-H2): (9+3)%4=0 -> on time
    const report = (await call(as(C, ['city-admin']), 'GET', `/api/v1/reports/${k2school.partyOrgId}/2027-02-H2`)).body;
    expect(report.reviewers).toEqual([C, K2]);
    // Both bureaus read the report; the city decides first, so the county's read is stale: its decision
    // with that ETag is refused (412 and the current ETag), and goes through on the report read again.
    const read = await call(as(K2, ['county-admin']), 'GET', `/api/v1/reports/${k2school.partyOrgId}/2027-02-H2`);
    const accept = (who: Identity, etag: string) => review(who, k2school.partyOrgId, '2027-02-H2', { decision: 'accept' }, etag);
    const afterCity = await accept(as(C, ['city-admin']), read.headers.etag as string);
    expect([afterCity.status, afterCity.body.status]).toEqual([200, 'submitted']);
    const stale = await accept(as(K2, ['county-admin']), read.headers.etag as string);
    expect([stale.status, stale.headers.etag]).toEqual([412, afterCity.headers.etag]);
    const afterCounty = await accept(as(K2, ['county-admin']), afterCity.headers.etag as string);
    expect(afterCounty.body.status).toBe('accepted');
    const k1school = schools[2]; // n=3, period 1: (3+1)%4=0 -> on time
    const k1report = (await call(as(K1, ['county-admin']), 'GET', `/api/v1/reports/${k1school.partyOrgId}/2027-01-H2`)).body;
    expect(k1report.reviewers).toEqual([K1]);
    expect((await review(as(C, ['city-admin']), k1school.partyOrgId, '2027-01-H2', { decision: 'accept' })).status).toBe(403);
    const queueRes = await call(as(K1, ['county-admin']), 'GET', `/api/v1/reports/review-queue?period=2027-01-H2`);
    expect(queueRes.status).toBe(200);
    const queue = (queueRes.body as { items: { unitId: string }[] }).items;
    expect(queue.length).toBeGreaterThan(0);
    expect(queue.every((r) => r.unitId.endsWith(run) && schools.find((s) => s.id === r.unitId)?.parent === K1)).toBe(true);
    // A page at a time like every list: one report per page through the next links, the same reports in the same order.
    const paged: string[] = [];
    let next: string | null = '/api/v1/reports/review-queue?period=2027-01-H2&limit=1';
    while (next) {
      const page = (await call(as(K1, ['county-admin']), 'GET', next)).body as { items: { unitId: string }[]; next: string | null };
      expect(page.items.length).toBeLessThanOrEqual(1);
      paged.push(...page.items.map((r) => r.unitId));
      next = page.next;
    }
    expect(paged).toEqual(queue.map((r) => r.unitId));
    const forged = Buffer.from(JSON.stringify([0, ''])).toString('base64url');
    const refused = await call(as(K1, ['county-admin']), 'GET', `/api/v1/reports/review-queue?cursor=${forged}`);
    expect([refused.status, (refused.body as { errors: { pointer: string }[] }).errors[0]?.pointer]).toEqual([400, '/cursor']);
  });

  it('keeps the full history when a report is returned and resubmitted; a retried submit yields one revision', async () => {
    const s = schools[3]; // n=4, period 3 (2027-02-H2): (4+3)%4=3 -> missing, now submitted late
    now = sh('2027-03-02T10:00');
    const first = await submit(s.id, s.partyOrgId, '2027-02-H2', 'retry-key-0001', { freeText: '补报' });
    const retry = await submit(s.id, s.partyOrgId, '2027-02-H2', 'retry-key-0001', { freeText: '补报' });
    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(first.body.revisionCount).toBe(1);
    expect(first.body.timeliness).toBe('late');
    const reused = await submit(s.id, s.partyOrgId, '2027-02-H2', 'retry-key-0001', { freeText: '另一内容' });
    expect(reused.status).toBe(422);

    const returned = await review(as(K1, ['county-admin']), s.partyOrgId, '2027-02-H2', {
      decision: 'return',
      comment: '请补充学习内容',
    });
    expect(returned.body.status).toBe('returned');
    const noComment = await review(as(K1, ['county-admin']), s.partyOrgId, '2027-02-H2', {
      decision: 'return',
    });
    expect(noComment.status).toBe(400);
    // Submitting over the version read before the return (If-Match) is refused; the key stays unused.
    const staleSubmit = await call(
      secretaryOf(s.id),
      'POST',
      `/api/v1/reports/${s.partyOrgId}/2027-02-H2/submit`,
      { content: { freeText: '补报（已补充学习内容）' } },
      {
        'idempotency-key': 'retry-key-0002',
        'if-match': first.headers.etag as string,
      },
    );
    expect([staleSubmit.status, staleSubmit.headers.etag]).toEqual([412, returned.headers.etag]);
    // The relay held back for a moment, to read the audit record the resubmission leaves in the report.
    const relay = app.get(OutboxRelay);
    await relay.stop();
    const again = await submit(s.id, s.partyOrgId, '2027-02-H2', 'retry-key-0002', { freeText: '补报（已补充学习内容）' });
    const stored = await app
      .get<Model<{ _id: string; outbox: { type: string; data: Record<string, unknown> }[] }>>(getModelToken(HALF_MONTH_REPORT_MODEL))
      .findById(`${s.partyOrgId}:2027-02-H2`, { outbox: 1 })
      .lean();
    relay.start();
    // It names the revision the new draft is, instead of copying its content again; the old draft is kept.
    const audit = stored!.outbox.find((e) => e.data['action'] === 'report.revised')!;
    expect(audit.data).toMatchObject({ before: { draft: { freeText: '补报' } }, after: { draft: { sameAsRevision: 2 }, revision: 2 } });
    expect(JSON.stringify(audit.data)).not.toContain('已补充学习内容');
    // Changed fields only, and only the report's own: no Idempotency-Keys, no history bookkeeping.
    for (const side of ['before', 'after'] as const) {
      expect(Object.keys(audit.data[side] as object)).not.toEqual(expect.arrayContaining(['submitKeys']));
      expect(Object.keys(audit.data[side] as object)).not.toEqual(expect.arrayContaining(['pendingHistory']));
    }
    expect(again.body.status).toBe('submitted');
    expect(again.body.revisionCount).toBe(2);
    const revisions = await call(secretaryOf(s.id), 'GET', `/api/v1/reports/${s.partyOrgId}/2027-02-H2/history?kind=revision`);
    expect(revisions.body.items.map((r: { revision: number; content: { freeText: string } }) => [r.revision, r.content.freeText])).toEqual([
      [1, '补报'],
      [2, '补报（已补充学习内容）'],
    ]);
    expect(again.body.timeliness).toBe('late');
    expect(again.body.reviews).toEqual([{ bureauId: K1, status: 'pending', revision: 2 }]);
    // The answer is built from the report read and the change written under its version: the same as
    // reading the report back (so is the first answer, which the retry above read back).
    const readBack = await call(secretaryOf(s.id), 'GET', `/api/v1/reports/${s.partyOrgId}/2027-02-H2`);
    expect(readBack.body).toEqual(again.body);
    expect(readBack.headers.etag).toBe(again.headers.etag);
  });

  it('locks reports after the configured days unless the reviewing bureau grants an exception', async () => {
    const s = schools[4]; // n=5, period 0: (5+0)%4=1 -> on time, never reviewed
    now = sh('2027-02-10T10:00'); // 2027-01-H1 was due on 2027-01-13: 28 days > 15
    const locked = await submit(s.id, s.partyOrgId, '2027-01-H1', 'lock-key-0001');
    expect(locked.status).toBe(409);
    expect(locked.body.type).toMatch(/locked$/);
    const grant = await call(as(K1, ['county-admin']), 'POST', `/api/v1/reports/${s.partyOrgId}/2027-01-H1/lock-exceptions`, {
      until: '2027-02-12T00:00:00Z',
      reason: '补正错漏',
    });
    expect(grant.status).toBe(200);
    expect(grant.body.lockExceptions).toEqual([expect.objectContaining({ bureauId: K1, reason: '补正错漏' })]);
    expect((await submit(s.id, s.partyOrgId, '2027-01-H1', 'lock-key-0002')).status).toBe(200);
  });

  it('starts a report only for a period opened for the party organisation, the current or the next one (422 otherwise, nothing counted)', async () => {
    const s = schools[5];
    const sec = secretaryOf(s.id);
    now = sh('2027-03-02T10:00'); // current 2027-03-H1, next 2027-03-H2; the scheduler opened up to 2027-02-H2
    const ahead = await call(sec, 'PUT', `/api/v1/reports/${s.partyOrgId}/2030-01-H1/draft`, { content: { freeText: '提前填报' } });
    expect([ahead.status, ahead.body.type]).toEqual([422, expect.stringMatching(/\/period-not-reportable$/)]);
    expect(ahead.body.errors).toEqual([expect.objectContaining({ pointer: '/params/periodId', rule: 'reportable-period' })]);
    // A period before the city's reporting began (never opened): not a late submission, not counted.
    const before = await submit(s.id, s.partyOrgId, '2026-11-H2', 'before-city-0001');
    expect([before.status, before.body.type]).toEqual([422, expect.stringMatching(/\/period-not-reportable$/)]);
    const pastNotOpened = await call(sec, 'PUT', `/api/v1/reports/${s.partyOrgId}/2026-12-H2/draft`, { content: { freeText: '补' } });
    expect(pastNotOpened.status).toBe(422);
    for (const periodId of ['2030-01-H1', '2026-11-H2', '2026-12-H2'])
      expect((await call(sec, 'GET', `/api/v1/reports/${s.partyOrgId}/${periodId}`)).status).toBe(404);
    // An opened period stays writable until it locks; the next period can be drafted ahead.
    expect((await call(sec, 'PUT', `/api/v1/reports/${s.partyOrgId}/2027-02-H2/draft`, { content: { freeText: '补充' } })).status).toBe(
      200,
    );
    const next = await call(sec, 'PUT', `/api/v1/reports/${s.partyOrgId}/2027-03-H2/draft`, { content: { freeText: '下半月草稿' } });
    expect([next.status, next.body.status]).toEqual([200, 'draft']);
    // The compliance view counts the next period's report (its event came after the refused ones, same key)
    // and nothing for the refused periods.
    const counted = async (from: string, to = from) => {
      const res = await call(as(C, ['city-admin']), 'GET', `/api/v1/reporting/compliance?unit=${s.id}&from=${from}&to=${to}`);
      return res.body.total as { expected: number };
    };
    const deadline = Date.now() + 30_000;
    while ((await counted('2027-03-H2')).expected !== 1) {
      if (Date.now() > deadline) throw new Error('the next period was never counted');
      await new Promise((r) => setTimeout(r, 200));
    }
    expect((await counted('2030-01-H1')).expected).toBe(0);
    expect((await counted('2026-11-H2', '2026-12-H2')).expected).toBe(0);
  }, 60_000);

  it('expects a party organisation registered after its period opened, until the deadline; not one registered after it', async () => {
    const periodId = '2027-05-H1';
    const calendar = (await call(as(C, ['city-admin']), 'GET', '/api/v1/reporting/calendar')).body;
    const window = ReportPeriod.parse(periodId).window(calendar);
    const scheduler = app.get(DeadlineScheduler);
    now = new Date(window.opensAt.getTime() + 3_600_000);
    expect((await scheduler.tick()).opened).toContain(periodId);
    const register = async (name: string) => {
      const id = `${name}-${run}`;
      await seedUnit(app, { path: [C, K1, id], kind: 'school', code: id.toUpperCase() });
      const partyOrg = { partyOrgId: `po-${id}`, unitId: id, unitPath: [C, K1, id], supervisorId: K1, routing: 'single' as const };
      await app.get(PartyOrgDirectory).applyPartyOrg({ ...partyOrg, active: true, version: 1 }, `seed-po-${id}`);
      return id;
    };
    // Registered while the period is open: expected, and missing at the deadline like the others.
    const during = await register('opened-during');
    now = new Date(window.dueAt.getTime() + 60_000);
    // Registered after the deadline (before the close ran): not expected for a period already due.
    const after = await register('opened-after');
    expect((await scheduler.tick()).closed).toEqual([periodId]);
    const missing = await call(as(C, ['city-admin']), 'GET', `/api/v1/reporting/missing?period=${periodId}`);
    const ids = missing.body.missing.map((m: { unitId: string }) => m.unitId);
    expect(ids).toContain(during);
    expect(ids).not.toContain(after);
    expect(ids).toHaveLength(schools.length + 1);
  }, 60_000);

  describe('a submission retried with its Idempotency-Key', () => {
    const s = schools[7]; // n=8, county 1 reviews alone; 2027-03-H1 is the current period on 2027-03-02
    const url = `/api/v1/reports/${s.partyOrgId}/2027-03-H1`;
    const body = {
      content: { freeText: '三月上半月', meetings: [{ type: 'theme-day', date: '2027-03-01', attendance: { expected: 10, present: 9 } }] },
    };
    // The same request, its keys written in another order at every level.
    const reordered = {
      content: { meetings: [{ attendance: { present: 9, expected: 10 }, date: '2027-03-01', type: 'theme-day' }], freeText: '三月上半月' },
    };
    let first: Awaited<ReturnType<typeof call>>;

    it('is a replay when its body has the same content with keys in another order (not 422)', async () => {
      now = sh('2027-03-02T11:00');
      first = await call(secretaryOf(s.id), 'POST', `${url}/submit`, body, { 'idempotency-key': 'replay-key-0001' });
      expect([first.status, first.body.revisionCount]).toEqual([200, 1]);
      const again = await call(secretaryOf(s.id), 'POST', `${url}/submit`, reordered, { 'idempotency-key': 'replay-key-0001' });
      expect([again.status, again.headers['idempotent-replayed'], again.headers.etag]).toEqual([200, 'true', first.headers.etag]);
      expect(again.body).toEqual(first.body);
      const other = await call(
        secretaryOf(s.id),
        'POST',
        `${url}/submit`,
        { content: { freeText: '别的' } },
        { 'idempotency-key': 'replay-key-0001' },
      );
      expect([other.status, other.body.type]).toEqual([422, expect.stringMatching(/\/idempotency-key-reused$/)]);
    });

    it('answers what the first request got (status, revision, ETag) even after a later revision', async () => {
      const returned = await call(as(K1, ['county-admin']), 'POST', `${url}/reviews`, { decision: 'return', comment: '请补充' });
      expect(returned.body.status).toBe('returned');
      const second = await call(
        secretaryOf(s.id),
        'POST',
        `${url}/submit`,
        { content: { freeText: '三月上半月（补充）' } },
        { 'idempotency-key': 'replay-key-0002', 'if-match': returned.headers.etag as string },
      );
      expect([second.status, second.body.revisionCount]).toEqual([200, 2]);
      const late = await call(secretaryOf(s.id), 'POST', `${url}/submit`, body, { 'idempotency-key': 'replay-key-0001' });
      expect([late.status, late.headers['idempotent-replayed'], late.headers.etag]).toEqual([200, 'true', first.headers.etag]);
      expect(late.body).toEqual(first.body);
      expect(late.body.revisionCount).toBe(1);
      expect(late.body.draft).toEqual(body.content);
    });

    it("never shows a reader the report's Idempotency-Keys or request hashes", async () => {
      for (const who of [secretaryOf(s.id), as(K1, ['county-admin']), as(C, ['inspector'])]) {
        const read = await call(who, 'GET', url);
        expect(read.status).toBe(200);
        expect(read.body).not.toHaveProperty('submitKeys');
        expect(JSON.stringify(read.body)).not.toContain('replay-key-');
      }
      expect(first.body).not.toHaveProperty('submitKeys');
      const queue = await call(as(K1, ['county-admin']), 'GET', '/api/v1/reports/review-queue?period=2027-03-H1');
      expect(JSON.stringify(queue.body)).not.toContain('replay-key-');
    });

    it('keeps the revisions and review decisions out of the report document and pages them in order', async () => {
      const stored = () =>
        app
          .get<Model<Record<string, unknown>>>(getModelToken(HALF_MONTH_REPORT_MODEL))
          .findById(`${s.partyOrgId}:2027-03-H1`, { outbox: 0 })
          .lean();
      const before = await stored();
      expect(before).not.toHaveProperty('revisions');
      expect(before!['revisionCount']).toBe(2);
      // At most a batch of entries waits in the report for a later write to move it out.
      expect((before!['pendingHistory'] as unknown[]).length).toBeLessThan(HISTORY_BATCH);
      const page1 = await call(secretaryOf(s.id), 'GET', `${url}/history?limit=2`);
      // A history read moves them at once: the report keeps no history of its own.
      const after = await stored();
      expect(after!['pendingHistory']).toEqual([]);
      expect(JSON.stringify(after)).not.toContain('theme-day'); // revision 1's content lives in the history only
      expect(page1.status).toBe(200);
      expect(page1.body.items.map((e: { seq: number; kind: string; revision: number }) => [e.seq, e.kind, e.revision])).toEqual([
        [1, 'revision', 1],
        [2, 'review', 1],
      ]);
      expect(page1.body.items[0].content).toEqual(body.content);
      expect(page1.body.items[1]).toMatchObject({ bureauId: K1, decision: 'returned', comment: '请补充' });
      const page2 = await call(secretaryOf(s.id), 'GET', `${url}/history?limit=2&cursor=${page1.body.nextCursor}`);
      expect(page2.body.items.map((e: { seq: number; kind: string }) => [e.seq, e.kind])).toEqual([[3, 'revision']]);
      expect(page2.body.nextCursor).toBeNull();
      const reviews = await call(as(K1, ['county-admin']), 'GET', `${url}/history?kind=review`);
      expect(reviews.body.items).toHaveLength(1);
      // Scoped like the report: another county gets 404, as for the report itself.
      expect((await call(as(K2, ['county-admin']), 'GET', `${url}/history`)).status).toBe(404);
    });

    it('moves the revisions an older report kept inside it to the history on first touch', async () => {
      const legacy = schools[9]; // a county-2 school; its 2027-03-H1 report written the old way
      const id = `${legacy.partyOrgId}:2027-03-H1`;
      const reports = app.get<Model<Record<string, unknown>>>(getModelToken(HALF_MONTH_REPORT_MODEL));
      const path = [C, K2, legacy.id];
      const at = sh('2027-03-01T09:00');
      // (The scheduler opened this period already: the report is replaced by its older form.)
      await reports.collection.replaceOne(
        { _id: id as never },
        {
          partyOrgId: legacy.partyOrgId,
          unitId: legacy.id,
          unitPath: path,
          periodId: '2027-03-H1',
          opensAt: sh('2027-03-01T00:00'),
          dueAt: sh('2027-03-13T00:00'),
          status: 'returned',
          draft: { freeText: '旧二' },
          revisions: [
            { revision: 1, content: { freeText: '旧一' }, submittedAt: at, submittedBy: 'old' },
            { revision: 2, content: { freeText: '旧二' }, submittedAt: at, submittedBy: 'old' },
          ],
          reviewers: [K2, C],
          reviews: [],
          pendingReviewers: [],
          firstSubmittedAt: at,
          timeliness: 'on-time',
          lockExceptions: [],
          submitKeys: [{ key: 'legacy-key-0001', requestHash: 'x', revision: 2 }],
          version: 5,
          outbox: [],
        },
        { upsert: true },
      );
      const read = await call(secretaryOf(legacy.id), 'GET', `/api/v1/reports/${legacy.partyOrgId}/2027-03-H1`);
      expect(read.body).toMatchObject({ revisionCount: 2 });
      expect(read.body).not.toHaveProperty('revisions');
      expect(read.body).not.toHaveProperty('submitKeys');
      const history = await call(secretaryOf(legacy.id), 'GET', `/api/v1/reports/${legacy.partyOrgId}/2027-03-H1/history`);
      expect(history.body.items.map((e: { revision: number; content: { freeText: string } }) => [e.revision, e.content.freeText])).toEqual([
        [1, '旧一'],
        [2, '旧二'],
      ]);
      expect(await reports.findById(id, { revisions: 1 }).lean()).not.toHaveProperty('revisions');
      const third = await submit(legacy.id, legacy.partyOrgId, '2027-03-H1', 'legacy-key-0002', { freeText: '新三' });
      expect([third.status, third.body.revisionCount]).toEqual([200, 3]);
      // The new revision follows the moved ones (it may wait in the report for its batch: read, it is moved).
      const after = await call(secretaryOf(legacy.id), 'GET', `/api/v1/reports/${legacy.partyOrgId}/2027-03-H1/history`);
      expect(after.body.items.map((e: { seq: number; revision: number }) => [e.seq, e.revision])).toEqual([
        [1, 1],
        [2, 2],
        [3, 3],
      ]);
      const entries = await app
        .get<Model<{ reportId: string; seq: number; revision: number }>>(getModelToken(REPORT_HISTORY_MODEL))
        .find({ reportId: id })
        .sort({ seq: 1 })
        .lean();
      expect(entries.map((e) => [e.seq, e.revision])).toEqual([
        [1, 1],
        [2, 2],
        [3, 3],
      ]);
    });
  });
});

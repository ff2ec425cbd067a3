import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getModelToken } from '@nestjs/mongoose';

import type { Model } from 'mongoose';
import {
  AssessmentLockedV1,
  CE_HEADER,
  eventHeaders,
  eventSource,
  MemberRegisteredV1,
  MemberTransferredV1,
  NominationNoticeStartedV1,
  NominationObjectionRaisedV1,
  RectificationOpenedV1,
  RectificationOverdueV1,
  ReportExpectedV1,
  ReportOverdueV1,
  ReportSubmittedV1,
  Topics,
  TrainingCertifiedV1,
  TrainingEnrolledV1,
  TrainingSessionAttendedV1,
  type EventContract,
} from '@pb/contracts';
import { KafkaClient } from '@pb/messaging';
import { Clock, PartyOrgDirectory, type OrgUnitKind } from '@pb/platform';
import { eventually, identity as as, seedUnit, shanghai, startAtEnd, startService, testKafka, type ServiceUnderTest } from '@pb/testing';
import { DerivedFactsService, periodsOf } from './derived/derived-facts.service.js';
import { InspectionsService } from './inspections/inspections.service.js';
import { REPORT_FACT_MODEL, type ReportFact } from './derived/facts.schema.js';
import { EvaluationModule } from './evaluation.module.js';

// Evaluation on the real store and broker: schemes and their versions, the assessment cycle, and the
// derived indicators kept from reporting's and org-registry's topics (published here as they would).
const run = randomBytes(3).toString('hex');
const C = `city-${run}`;
const K1 = `k1-${run}`; // reports to its county only
const K2 = `k2-${run}`; // both levels score (分别报送市、县两级)
const S1 = `s1-${run}`;
const S2 = `s2-${run}`;
const S3 = `s3-${run}`;
const S4 = `s4-${run}`;
const P1 = `po1-${run}`;
const P2 = `po2-${run}`;
const P3 = `po3-${run}`;
const path: Record<string, string[]> = {
  [C]: [C],
  [K1]: [C, K1],
  [K2]: [C, K2],
  [S1]: [C, K1, S1],
  [S2]: [C, K2, S2],
  [S3]: [C, K1, S3],
  [S4]: [C, K2, S4],
};
const YEAR = 2031;
const cityAdmin = as(C, ['city-admin']);
const county1 = as(K1, ['county-admin']);
const county2 = as(K2, ['county-admin']);
const secretary = (school: string) => as(school, ['school-secretary']);
const SERVICE = {
  service: 'evaluation',
  consume: true,
  features: () => [EvaluationModule.register({ timeZone: 'Asia/Shanghai', tickMs: 0 })],
};
const CONSUMED = [Topics.reportingReports, Topics.members, Topics.trainingRecords, Topics.orgUnitsState, Topics.partyOrgs];

/** A scheme as read, as a PUT body: without what the service adds. */
function editable(scheme: Record<string, unknown>) {
  const { id: _i, kind: _k, year: _y, schemeVersion: _s, scoringStarted: _st, version: _v, updatedAt: _u, updatedBy: _b, ...body } = scheme;
  return body as { name: object; groups: { key: string; weight: number }[]; grades: object };
}

describe('evaluation', () => {
  let app: NestFastifyApplication;
  let call: ServiceUnderTest['call'];
  const assessment = (kind: string, po: string) => `/api/v1/evaluation/assessments/${kind}/${YEAR}/${po}`;
  const fiveGoods = (po: string) => assessment('five-goods', po);

  async function publish(contract: EventContract, data: Record<string, unknown>) {
    const producer = await app.get(KafkaClient).getProducer();
    const headers = eventHeaders(contract, { id: randomUUID(), source: eventSource('reporting') });
    await producer.send({
      topic: contract.topic,
      acks: -1,
      messages: [{ key: String(data['unitId']), value: JSON.stringify(data), headers }],
    });
  }

  /** The records of `topic` (read from its start) whose data `match`es, once `done` says enough arrived. */
  async function recordsOf(
    topic: string,
    match: (data: Record<string, unknown>) => boolean,
    done: (records: { type: string; key: string; data: Record<string, unknown> }[]) => boolean,
  ) {
    const kafka = testKafka(`it-eval-${run}`);
    const consumer = kafka.consumer({ groupId: `it-eval-read-${randomUUID()}`, maxWaitTimeInMs: 100 });
    const seen: { type: string; key: string; data: Record<string, unknown> }[] = [];
    await app.get(KafkaClient).ensureTopics([{ topic }]);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        const data = JSON.parse(message.value?.toString() ?? '{}') as Record<string, unknown>;
        if (match(data)) seen.push({ type: message.headers?.[CE_HEADER.type]?.toString() ?? '', key: message.key?.toString() ?? '', data });
        return Promise.resolve();
      },
    });
    try {
      await eventually(`records of ${topic}`, () => Promise.resolve(done(seen)));
      return seen;
    } finally {
      await consumer.disconnect();
    }
  }

  beforeAll(async () => {
    const groupId = `it-evaluation-${run}`;
    await startAtEnd(groupId, CONSUMED);
    ({ app, call } = await startService(SERVICE, { db: `it_evaluation_${run}`, groupId }));
    const kinds: Record<string, OrgUnitKind> = { [C]: 'city-bureau', [K1]: 'county-bureau', [K2]: 'county-bureau' };
    for (const [unit, p] of Object.entries(path)) await seedUnit(app, { path: p, kind: kinds[unit] ?? 'school' });
    const partyOrgs = app.get(PartyOrgDirectory);
    for (const [po, school, supervisor, routing] of [
      [P1, S1, K1, 'single'],
      [P2, S2, K2, 'both-levels'],
      [P3, S3, K1, 'single'],
    ] as const) {
      await partyOrgs.applyPartyOrgState(
        {
          partyOrgId: po,
          unitId: school,
          supervisorId: supervisor,
          routing,
          ...(routing === 'both-levels' ? { reviewerIds: [K2, C] } : {}),
          active: true,
          version: 1,
        },
        `seed-${po}`,
      );
    }
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  });

  describe('schemes (考核方案)', () => {
    it('ships the five goods, four excellences and four strengthens schemes, editable by the city only', async () => {
      const five = await call(cityAdmin, 'GET', `/api/v1/evaluation/schemes/five-goods/${YEAR}`);
      expect(five.status).toBe(200);
      expect(five.body.groups.map((g: { key: string }) => g.key)).toEqual([
        'leadership-team',
        'member-team',
        'work-mechanism',
        'work-performance',
        'public-feedback',
      ]);
      expect(five.body.schemeVersion).toBe(1);
      const four = await call(secretary(S1), 'GET', `/api/v1/evaluation/schemes/four-excellences/${YEAR}`);
      expect(four.body.groups.map((g: { key: string }) => g.key)).toEqual([
        'campus-environment',
        'education-service',
        'teaching-results',
        'student-results',
      ]);
      expect((await call(county1, 'GET', `/api/v1/evaluation/schemes/four-strengthens/${YEAR}`)).body.groups).toHaveLength(4);
      const body = editable(five.body);
      expect((await call(county1, 'PUT', `/api/v1/evaluation/schemes/five-goods/${YEAR}`, body)).status).toBe(403);
      // Thresholds out of order: 422 naming the field.
      const bad = await call(cityAdmin, 'PUT', `/api/v1/evaluation/schemes/five-goods/${YEAR}`, {
        ...body,
        grades: { excellent: 70, good: 80, pass: 60 },
      });
      expect([bad.status, bad.body.errors[0].pointer, bad.body.errors[0].rule]).toEqual([422, '/grades', 'order']);
    });

    it('edits in place before scoring; after scoring started an edit makes version 2 and old scores keep version 1', async () => {
      const url = `/api/v1/evaluation/schemes/five-goods/${YEAR}`;
      const read = await call(cityAdmin, 'GET', url);
      const body = editable(read.body);
      const renamed = await call(
        cityAdmin,
        'PUT',
        url,
        { ...body, name: { zh: '五好考核（修订）', en: 'Five goods (revised)' } },
        { 'if-match': read.headers['etag'] as string },
      );
      expect([renamed.status, renamed.body.schemeVersion, renamed.body.name.zh]).toEqual([200, 1, '五好考核（修订）']);
      // A stale If-Match is refused.
      expect((await call(cityAdmin, 'PUT', url, body, { 'if-match': read.headers['etag'] as string })).status).toBe(412);

      // Scoring starts: P1's school saves its self-assessment.
      const saved = await call(secretary(S1), 'PUT', `${fiveGoods(P1)}/self-assessment`, {
        scores: [
          {
            indicator: 'leadership-responsibility',
            score: 9,
            comment: '责任落实',
            evidence: { text: '党委会议记录', files: [{ name: '记录.pdf', ref: 'files/1' }] },
          },
        ],
      });
      expect([saved.status, saved.body.schemeVersion]).toEqual([200, 1]);

      const weights = body.groups.map((g: { key: string; weight: number }) => ({
        ...g,
        weight: g.key === 'work-mechanism' ? 30 : g.weight,
      }));
      const edited = await call(cityAdmin, 'PUT', url, { ...body, groups: weights });
      expect([edited.status, edited.body.schemeVersion, edited.body.scoringStarted]).toEqual([200, 2, false]);
      const v1 = await call(cityAdmin, 'GET', `${url}?schemeVersion=1`);
      expect(v1.body.groups.find((g: { key: string }) => g.key === 'work-mechanism').weight).toBe(20);
      expect((await call(cityAdmin, 'GET', url)).body.groups.find((g: { key: string }) => g.key === 'work-mechanism').weight).toBe(30);

      // P1's scores keep version 1 (its weights); a new assessment scores under version 2.
      const p1 = await call(secretary(S1), 'GET', fiveGoods(P1));
      expect(p1.body.schemeVersion).toBe(1);
      expect(p1.body.groups.find((g: { key: string }) => g.key === 'work-mechanism').weight).toBe(20);
      const p3 = await call(secretary(S3), 'PUT', `${fiveGoods(P3)}/self-assessment`, { scores: [] });
      expect(p3.body.schemeVersion).toBe(2);
      expect(p3.body.groups.find((g: { key: string }) => g.key === 'work-mechanism').weight).toBe(30);
    });
  });

  describe('the assessment cycle (自评、主管局评分、市局审定、锁定)', () => {
    it('refuses scores the scheme does not allow: unknown, derived or over the maximum (422 naming the field)', async () => {
      const res = await call(secretary(S1), 'PUT', `${fiveGoods(P1)}/self-assessment`, {
        scores: [
          { indicator: 'no-such-indicator', score: 1 },
          { indicator: 'reporting-on-time', score: 1 },
          { indicator: 'leadership-study', score: 11 },
        ],
      });
      expect(res.status).toBe(422);
      expect(res.body.errors.map((e: { pointer: string; rule: string }) => [e.pointer, e.rule])).toEqual([
        ['/scores/0/indicator', 'indicator'],
        ['/scores/1/indicator', 'manual'],
        ['/scores/2/score', 'maximum'],
      ]);
    });

    it('keeps a returned self-assessment in the history, takes the bureau score with who/when/comment, moderates and locks', async () => {
      const url = fiveGoods(P1);
      expect((await call(secretary(S1), 'POST', `${url}/self-assessment/submit`)).body.status).toBe('self-submitted');
      // A bureau the affiliation does not name may not return it (the city for a county-only school), another county cannot see it.
      expect((await call(cityAdmin, 'POST', `${url}/return`, { comment: '请补充' })).status).toBe(403);
      expect((await call(county2, 'POST', `${url}/return`, { comment: '请补充' })).status).toBe(404);
      expect((await call(county2, 'GET', url)).status).toBe(404);
      expect((await call(secretary(S3), 'GET', url)).status).toBe(404);

      const returned = await call(county1, 'POST', `${url}/return`, { comment: '佐证不足，请补充' });
      expect(returned.body.status).toBe('returned');
      const revised = await call(secretary(S1), 'PUT', `${url}/self-assessment`, {
        scores: [{ indicator: 'leadership-responsibility', score: 8, evidence: { text: '补充会议纪要' } }],
      });
      expect(revised.status).toBe(200);
      await call(secretary(S1), 'POST', `${url}/self-assessment/submit`);

      const scored = await call(county1, 'PUT', `${url}/bureau-scores`, {
        scores: [
          { indicator: 'leadership-responsibility', score: 9, comment: '落实到位' },
          { indicator: 'performance-results', score: 12 },
        ],
      });
      expect(scored.status).toBe(200);
      const history = scored.body.history.map((h: { action: string }) => h.action);
      expect(history).toEqual(['self-submitted', 'returned', 'self-submitted', 'bureau-scored']);
      // The returned self-assessment is still there, whole, with the bureau's comment.
      const ret = scored.body.history[1];
      expect([ret.comment, ret.bureauId, ret.scores[0].score, ret.scores[0].evidence.files[0].ref]).toEqual([
        '佐证不足，请补充',
        K1,
        9,
        'files/1',
      ]);
      const leadership = scored.body.groups[0].indicators[0];
      expect(leadership.self).toMatchObject({ score: 8, by: `acct-${S1}` });
      expect(leadership.bureaus).toEqual([
        expect.objectContaining({ bureauId: K1, score: 9, comment: '落实到位', by: `acct-${K1}`, at: expect.any(String) }),
      ]);
      expect(leadership.score).toBe(9);

      const moderated = await call(cityAdmin, 'POST', `${url}/moderation`, {
        scores: [{ indicator: 'performance-results', score: 14, comment: '成效突出' }],
        comment: '市局审定',
      });
      expect(moderated.body.status).toBe('moderated');
      expect(moderated.body.groups[3].indicators[0]).toMatchObject({ score: 14, moderated: { score: 14, by: `acct-${C}` } });
      const locked = await call(cityAdmin, 'POST', `${url}/lock`, undefined, { 'if-match': moderated.headers['etag'] as string });
      expect(locked.status).toBe(200);
      expect(locked.body.status).toBe('locked');
      expect(['excellent', 'good', 'pass', 'fail']).toContain(locked.body.grade);
      expect((await call(county1, 'PUT', `${url}/bureau-scores`, { scores: [{ indicator: 'leadership-study', score: 1 }] })).status).toBe(
        409,
      );

      // The score table: ids, totals and grades under the county (the other county sees none of them).
      const table = await call(county1, 'GET', `/api/v1/evaluation/score-table?kind=five-goods&year=${YEAR}`);
      expect(table.body.items).toContainEqual({
        partyOrgId: P1,
        unitId: S1,
        status: 'locked',
        schemeVersion: 1,
        total: locked.body.total,
        grade: locked.body.grade,
      });
      const other = await call(county2, 'GET', `/api/v1/evaluation/score-table?kind=five-goods&year=${YEAR}`);
      expect(other.body.items.map((r: { partyOrgId: string }) => r.partyOrgId)).not.toContain(P1);
      expect((await call(county2, 'GET', `/api/v1/evaluation/score-table?kind=five-goods&year=${YEAR}&unit=${K1}`)).status).toBe(404);

      // The lock is on the analysts' topic: scores and grades, no comment, evidence or account.
      const seen = await recordsOf(
        Topics.evaluationAssessments,
        (data) => data['partyOrgId'] === P1,
        (records) => records.some((e) => e.type === AssessmentLockedV1.type),
      );
      const lockEvent = seen.find((e) => e.type === AssessmentLockedV1.type)!;
      expect(lockEvent.key).toBe(S1);
      expect(lockEvent.data).toMatchObject({ total: locked.body.total, grade: locked.body.grade, schemeVersion: 1, status: 'locked' });
      expect(JSON.stringify(seen)).not.toMatch(/佐证|comment|acct-|evidence/);
    }, 120_000);

    it('lets both levels score where the affiliation says both, and takes their mean', async () => {
      const url = fiveGoods(P2);
      await call(county2, 'PUT', `${url}/bureau-scores`, { scores: [{ indicator: 'leadership-study', score: 6 }] });
      const both = await call(cityAdmin, 'PUT', `${url}/bureau-scores`, { scores: [{ indicator: 'leadership-study', score: 9 }] });
      expect(both.status).toBe(200);
      expect(both.body.reviewers).toEqual([K2, C]);
      const study = both.body.groups[0].indicators[1];
      expect(study.bureaus.map((b: { bureauId: string; score: number }) => [b.bureauId, b.score])).toEqual([
        [K2, 6],
        [C, 9],
      ]);
      expect(study.score).toBe(7.5);
      expect((await call(county1, 'PUT', `${url}/bureau-scores`, { scores: [{ indicator: 'leadership-study', score: 1 }] })).status).toBe(
        404,
      );
    });
  });

  describe('derived indicators (自动计分) from the event streams', () => {
    const periods = periodsOf(YEAR);
    const report = (i: number) => ({
      reportId: `${P3}:${periods[i]}`,
      partyOrgId: P3,
      unitId: S3,
      unitPath: path[S3],
      periodId: periods[i],
      reviewers: [K1],
    });
    const due = (i: number) => new Date(Date.UTC(YEAR, Math.floor(i / 2), i % 2 === 0 ? 12 : 28)).toISOString();
    interface Explained {
      metric: string;
      status: string;
      rate: number | null;
      inputs: Record<string, number>;
      periods?: { periodId: string; outcome: string }[];
      sourceRange: { from: string | null; to: string | null };
    }
    const derived = async () =>
      (await call(county1, 'GET', `/api/v1/evaluation/derived/${P3}?year=${YEAR}`)).body as { metrics: Explained[] };
    const metric = (body: { metrics: Explained[] }, name: string) => body.metrics.find((m) => m.metric === name)!;

    it('scores the on-time rate by the formula, moves it on a late report, explains it by period; training rates from its records', async () => {
      for (let i = 0; i < 24; i++) await publish(ReportExpectedV1, { ...report(i), opensAt: due(i), dueAt: due(i) });
      for (let i = 0; i < 20; i++)
        await publish(ReportSubmittedV1, { ...report(i), revision: 1, submittedAt: due(i), timeliness: 'on-time' });
      for (let i = 20; i < 23; i++) await publish(ReportOverdueV1, { ...report(i), dueAt: due(i) });
      for (const [n, flagged] of [0, 0, 1].entries())
        await publish(MemberRegisteredV1, {
          memberId: `m${n}-${run}`,
          partyOrgId: P3,
          unitId: S3,
          status: 'activist',
          milestoneCount: 3,
          imported: false,
          flaggedRuleCount: flagged,
          version: 1,
        });

      // Training at the school: 4 enrolments, 2 with their hours, 1 of those certified (认定).
      const enrolment = (n: number, hours: number, version: number) => ({
        enrolmentId: `prog-${run}:t${n}`,
        programmeId: `prog-${run}`,
        organiserId: K1,
        unitId: S3,
        unitPath: path[S3],
        teacherId: `t${n}-${run}`,
        year: YEAR,
        requiredHours: 8,
        hours,
        version,
      });
      for (let n = 0; n < 4; n++) await publish(TrainingEnrolledV1, enrolment(n, 0, 1));
      for (const n of [0, 1])
        await publish(TrainingSessionAttendedV1, {
          ...enrolment(n, 8, 2),
          sessionIds: ['s1'],
          hoursAdded: 8,
          completed: true,
          completedNow: true,
        });
      // Certified by the rule in the write that brought the hours: the same version as that attendance.
      await publish(TrainingCertifiedV1, { ...enrolment(0, 8, 2), certified: true, byException: false });

      // 20 on time of 23 due, one period still open.
      const before = await eventually('23 periods due, 3 member records, 4 enrolments', async () => {
        const body = await derived();
        const onTime = metric(body, 'reporting.on-time-rate');
        return onTime.inputs['due'] === 23 &&
          metric(body, 'members.within-rules').inputs['records'] === 3 &&
          metric(body, 'training.certification-rate').inputs['certified'] === 1
          ? body
          : null;
      });
      expect(metric(before, 'training.completion-rate')).toMatchObject({
        rate: 0.5,
        inputs: { enrolments: 4, completed: 2, certified: 1 },
        source: Topics.trainingRecords,
      });
      expect(metric(before, 'training.certification-rate').rate).toBe(0.25);
      expect(metric(before, 'reporting.on-time-rate').rate).toBeCloseTo(20 / 23, 10);
      const first = await call(secretary(S3), 'GET', fiveGoods(P3));
      const indicator = (body: { groups: { indicators: { key: string; score: number }[] }[] }, key: string) =>
        body.groups.flatMap((g) => g.indicators).find((i) => i.key === key)!;
      expect(indicator(first.body, 'reporting-on-time').score).toBe(Math.round(((10 * 20) / 23) * 100) / 100);
      expect(indicator(first.body, 'member-development').score).toBe(6.67);

      // The open period is submitted late: 20 of 24 on time, exactly the scheme's formula (10 × 20/24).
      await publish(ReportSubmittedV1, {
        ...report(23),
        revision: 1,
        submittedAt: new Date(Date.UTC(YEAR + 1, 0, 2)).toISOString(),
        timeliness: 'late',
      });
      const after = await eventually('the late report', async () => {
        const body = await derived();
        return metric(body, 'reporting.on-time-rate').inputs['due'] === 24 ? body : null;
      });
      const onTime = metric(after, 'reporting.on-time-rate');
      expect(onTime.rate).toBe(20 / 24);
      expect(onTime.inputs).toEqual({ expected: 24, due: 24, onTime: 20, late: 1, missing: 3, pending: 0 });
      expect(onTime.sourceRange).toEqual({ from: `${YEAR}-01-H1`, to: `${YEAR}-12-H2` });
      expect(onTime.periods!.filter((p) => p.outcome !== 'on-time')).toEqual([
        expect.objectContaining({ periodId: `${YEAR}-11-H1`, outcome: 'missing' }),
        expect.objectContaining({ periodId: `${YEAR}-11-H2`, outcome: 'missing' }),
        expect.objectContaining({ periodId: `${YEAR}-12-H1`, outcome: 'missing' }),
        expect.objectContaining({ periodId: `${YEAR}-12-H2`, outcome: 'late' }),
      ]);
      expect(metric(after, 'reporting.completeness').rate).toBe(21 / 24);
      const second = await call(secretary(S3), 'GET', fiveGoods(P3));
      expect(indicator(second.body, 'reporting-on-time').score).toBe(8.33);
      expect(indicator(second.body, 'reporting-on-time').score).toBeLessThan(indicator(first.body, 'reporting-on-time').score);
      expect(indicator(second.body, 'reporting-completeness').score).toBe(8.75);
      expect(indicator(second.body, 'member-training').score).toBe(5);

      // The score table's row (the county's score board, written by the assessment's write and by
      // each run of derived events): the same total as the assessment's own view, which reads each
      // period's report.
      expect((await call(secretary(S3), 'POST', `${fiveGoods(P3)}/self-assessment/submit`)).status).toBe(200);
      const tableRows = async () =>
        (await call(county1, 'GET', `/api/v1/evaluation/score-table?kind=five-goods&year=${YEAR}&unit=${S3}`)).body.items as {
          total: number;
        }[];
      const view = await call(secretary(S3), 'GET', fiveGoods(P3));
      expect(await tableRows()).toEqual([
        {
          partyOrgId: P3,
          unitId: S3,
          status: 'self-submitted',
          schemeVersion: view.body.schemeVersion,
          total: view.body.total,
          grade: view.body.grade,
        },
      ]);
      expect(view.body.total).toBeGreaterThan(0);

      // A member record transferred to another branch leaves this one's count (and its rate) as well.
      await publish(MemberTransferredV1, {
        memberId: `m2-${run}`,
        partyOrgId: P1,
        unitId: S1,
        status: 'activist',
        milestoneCount: 3,
        imported: false,
        flaggedRuleCount: 1,
        version: 2,
        fromPartyOrgId: P3,
        fromUnitId: S3,
      });
      const moved = await eventually('the transfer', async () => {
        const body = await derived();
        return metric(body, 'members.within-rules').inputs['records'] === 2 ? body : null;
      });
      expect(metric(moved, 'members.within-rules')).toMatchObject({ rate: 1, inputs: { records: 2, withinRules: 2, flagged: 0 } });
      // The row follows the run that moved the tally: member development now at its maximum.
      const transferred = (await call(secretary(S3), 'GET', fiveGoods(P3))).body.total as number;
      expect(transferred).toBeGreaterThan(view.body.total as number);
      await eventually('the score-table row to follow the transfer', async () =>
        (await tableRows())[0]?.total === transferred ? true : null,
      );
      // Another county's administrator cannot read them.
      expect((await call(county2, 'GET', `/api/v1/evaluation/derived/${P3}?year=${YEAR}`)).status).toBe(404);
    }, 120_000);

    it('rebuilds the same facts and scores from offset 0 into an empty read model', async () => {
      const live = await app.get(DerivedFactsService).explain({ partyOrgId: P3, unitId: S3 }, YEAR);
      // A second instance with an empty database and a new consumer group reads every topic from the beginning.
      const rebuilt = await startService(SERVICE, { db: `it_evaluation_rebuild_${run}`, groupId: `it-evaluation-rebuild-${run}` });
      try {
        const facts = rebuilt.app.get(DerivedFactsService);
        await eventually(
          'the rebuild to catch up',
          async () => JSON.stringify(await facts.explain({ partyOrgId: P3, unitId: S3 }, YEAR)) === JSON.stringify(live),
          90_000,
        );
        expect(await facts.explain({ partyOrgId: P3, unitId: S3 }, YEAR)).toEqual(live);
        const ids = periods.map((p) => `${P3}:${p}`);
        const read = (a: NestFastifyApplication) =>
          a
            .get<Model<ReportFact>>(getModelToken(REPORT_FACT_MODEL))
            .find({ _id: { $in: ids } })
            .sort({ _id: 1 })
            .lean();
        expect(await read(rebuilt.app)).toEqual(await read(app));
      } finally {
        await rebuilt.app.close();
      }
    }, 150_000);
  });
  describe('selections (评比): quotas, review, public notice, objections, publication', () => {
    const base = '/api/v1/evaluation/selections/excellent-member/2031';
    const clock = () => app.get(Clock);
    let realNow: () => Date;
    beforeAll(() => {
      realNow = clock().now;
    });
    afterAll(() => {
      clock().now = realNow;
    });

    it('refuses a nomination over the quota of its county (422), and one without a quota', async () => {
      expect((await call(county1, 'PUT', `${base}/quotas`, { quotas: [{ groupId: K1, quota: 1 }], noticeWorkingDays: 5 })).status).toBe(
        403,
      );
      const bad = await call(cityAdmin, 'PUT', `${base}/quotas`, { quotas: [{ groupId: S1, quota: 1 }], noticeWorkingDays: 5 });
      expect([bad.status, bad.body.errors[0].pointer]).toEqual([422, '/quotas/0/groupId']);
      const set = await call(cityAdmin, 'PUT', `${base}/quotas`, {
        quotas: [
          { groupId: K1, quota: 1 },
          { groupId: K2, quota: 1 },
        ],
        noticeWorkingDays: 3,
      });
      expect(set.body.quotas).toEqual([
        { groupId: K1, quota: 1, used: 0 },
        { groupId: K2, quota: 1, used: 0 },
      ]);
      const first = await call(secretary(S1), 'POST', `${base}/nominations`, {
        unitId: S1,
        nominee: '张老师',
        reason: '教书育人，表现突出',
      });
      expect([first.status, first.body.groupId, first.body.status]).toEqual([201, K1, 'nominated']);
      // S3 is in the same county: its quota of 1 is used.
      const over = await call(secretary(S3), 'POST', `${base}/nominations`, { unitId: S3, nominee: '李老师', reason: '事迹' });
      expect([over.status, over.body.errors[0].rule]).toEqual([422, 'quota']);
      // A school cannot nominate for another school (404).
      expect((await call(secretary(S1), 'POST', `${base}/nominations`, { unitId: S3, nominee: '王老师', reason: '事迹' })).status).toBe(
        404,
      );
      const other = await call(secretary(S1), 'POST', '/api/v1/evaluation/selections/pioneer-group/2031/nominations', {
        unitId: S1,
        nominee: '数学教研组',
        reason: '事迹',
      });
      expect(other.status).toBe(422);
    });

    it('takes objections during the notice (working days, city time), keeps the objector from the nominee, and refuses to publish an upheld one', async () => {
      // Friday 7 March 2031, 15:00 city time: three working days end at the start of Thursday 13 March.
      clock().now = () => shanghai('2031-03-07T15:00');
      const nominee = await call(secretary(S2), 'POST', `${base}/nominations`, { unitId: S2, nominee: '钱老师', reason: '事迹' });
      const nid = nominee.body.id as string;
      // Review by the bureau: the other county cannot see it, the school cannot review.
      expect((await call(county1, 'POST', `/api/v1/evaluation/nominations/${nid}/review`, { decision: 'approve' })).status).toBe(404);
      expect((await call(county2, 'POST', `/api/v1/evaluation/nominations/${nid}/review`, { decision: 'approve' })).body.status).toBe(
        'approved',
      );
      const notice = await call(cityAdmin, 'POST', `/api/v1/evaluation/nominations/${nid}/notice`);
      expect([notice.body.status, notice.body.notice.endsAt]).toEqual(['in-notice', shanghai('2031-03-13T00:00').toISOString()]);

      // An account of another county of the city objects (the notice is public in the city).
      clock().now = () => shanghai('2031-03-12T23:59');
      const objected = await call(secretary(S3), 'POST', `/api/v1/evaluation/nominations/${nid}/objections`, { text: '事迹不实' });
      expect(objected.status).toBe(201);
      const objectionId = objected.body.objections[0].id as string;
      // The nominee's school reads the objection and its outcome, never who raised it; the reviewing bureau does.
      const seenBySchool = await call(secretary(S2), 'GET', `/api/v1/evaluation/nominations/${nid}`);
      expect(seenBySchool.body.objections[0]).toEqual({ id: objectionId, text: '事迹不实', at: expect.any(String), outcome: 'pending' });
      expect(JSON.stringify(seenBySchool.body)).not.toContain(`acct-${S3}`);
      expect((await call(county2, 'GET', `/api/v1/evaluation/nominations/${nid}`)).body.objections[0].by).toBe(`acct-${S3}`);
      // A county that does not review it cannot decide; the reviewing one upholds it.
      expect(
        (
          await call(county1, 'POST', `/api/v1/evaluation/nominations/${nid}/objections/${objectionId}/decision`, {
            outcome: 'upheld',
            comment: '核实',
          })
        ).status,
      ).toBe(404);
      const upheld = await call(county2, 'POST', `/api/v1/evaluation/nominations/${nid}/objections/${objectionId}/decision`, {
        outcome: 'upheld',
        comment: '经核实，部分事迹不实',
      });
      expect(upheld.body.objections[0]).toMatchObject({
        outcome: 'upheld',
        handling: { comment: '经核实，部分事迹不实', by: `acct-${K2}` },
      });

      // Objections close with the notice; publishing the upheld one is refused for good.
      clock().now = () => shanghai('2031-03-13T00:00');
      expect((await call(secretary(S3), 'POST', `/api/v1/evaluation/nominations/${nid}/objections`, { text: '迟到的异议' })).status).toBe(
        409,
      );
      const refused = await call(cityAdmin, 'POST', `/api/v1/evaluation/nominations/${nid}/publish`);
      expect([refused.status, refused.body.errors[0].rule]).toEqual([422, 'upheld']);
      // The analysts' and the notifications' view: the notice and the objection, never the nominee, the text or the objector.
      const events = await recordsOf(
        Topics.evaluationSelections,
        (data) => data['nominationId'] === nid,
        (records) => records.length >= 2,
      );
      expect(events.map((e) => e.type)).toEqual([NominationNoticeStartedV1.type, NominationObjectionRaisedV1.type]);
      expect(events[1].data).toMatchObject({ objectionId, reviewers: [K2, C], unitId: S2 });
      expect(JSON.stringify(events)).not.toMatch(/钱老师|事迹不实|acct-/);
    });

    it('publishes a nomination whose notice ended without an upheld objection, not before', async () => {
      clock().now = () => shanghai('2031-03-07T15:00');
      await call(cityAdmin, 'PUT', `${base}/quotas`, { quotas: [{ groupId: C, quota: 1 }], noticeWorkingDays: 1 });
      const direct = `sd-${run}`;
      await seedUnit(app, { path: [C, direct], kind: 'school' });
      const made = await call(cityAdmin, 'POST', `${base}/nominations`, { unitId: direct, nominee: '孙老师', reason: '事迹' });
      expect([made.status, made.body.groupId]).toEqual([201, C]);
      const nid = made.body.id as string;
      await call(cityAdmin, 'POST', `/api/v1/evaluation/nominations/${nid}/review`, { decision: 'approve' });
      const notice = await call(cityAdmin, 'POST', `/api/v1/evaluation/nominations/${nid}/notice`);
      // One working day after a Friday: Monday; the notice ends at the start of Tuesday.
      expect(notice.body.notice.endsAt).toBe(shanghai('2031-03-11T00:00').toISOString());
      expect((await call(cityAdmin, 'POST', `/api/v1/evaluation/nominations/${nid}/publish`)).status).toBe(409);
      clock().now = () => shanghai('2031-03-11T00:00');
      const published = await call(cityAdmin, 'POST', `/api/v1/evaluation/nominations/${nid}/publish`);
      expect([published.status, published.body.status]).toEqual([200, 'published']);
      // Every step is in the audit log (who, what, before and after), written with the change.
      const audit = await recordsOf(
        Topics.auditWrites,
        (data) => data['resourceId'] === nid,
        (records) => records.length >= 4,
      );
      expect(audit.map((r) => [r.data['action'], (r.data['actor'] as { sub: string }).sub])).toEqual([
        ['nomination.nominated', `acct-${C}`],
        ['nomination.reviewed', `acct-${C}`],
        ['nomination.notice-started', `acct-${C}`],
        ['nomination.published', `acct-${C}`],
      ]);
    });
  });
  describe('inspections (督促检查): a reproducible sample, findings, rectifications and their deadline', () => {
    const inspector = as(K1, ['inspector']);
    let realNow: () => Date;
    beforeAll(() => {
      realNow = app.get(Clock).now;
    });
    afterAll(() => {
      app.get(Clock).now = realNow;
    });

    it('samples the same member files twice with the same seed, and records the seed it made', async () => {
      // The member files of K1's schools are the three of S3 the member events brought (ids only).
      const draw = (seed?: string) =>
        call(inspector, 'POST', '/api/v1/evaluation/inspections', {
          kind: 'member-development',
          unitId: K1,
          title: '党员发展程序抽查',
          sample: { of: 'member-files', size: 2, ...(seed ? { seed } : {}) },
        });
      const [first, second] = [await draw('S'), await draw('S')];
      expect(first.status).toBe(201);
      expect(first.body.sample).toMatchObject({ of: 'member-files', size: 2, seed: 'S', population: 3 });
      expect(first.body.sample.items).toHaveLength(2);
      expect(second.body.sample.items).toEqual(first.body.sample.items);
      const made = await draw();
      expect(made.body.sample.seed).toMatch(/^[0-9a-f]{16}$/);
      const schools = await call(inspector, 'POST', '/api/v1/evaluation/inspections', {
        kind: 'party-dues',
        unitId: K1,
        title: '党费收缴检查',
        sample: { of: 'schools', size: 5, seed: 'S' },
      });
      expect(schools.body.sample.items.sort()).toEqual([S1, S3].sort());
      // Another county's subtree is out of reach.
      expect((await call(as(K2, ['inspector']), 'GET', `/api/v1/evaluation/inspections/${first.body.id}`)).status).toBe(404);
    });

    it('escalates a rectification not done by its deadline to the supervising bureau; one submitted in time is accepted', async () => {
      app.get(Clock).now = () => shanghai('2031-03-01T09:00');
      const inspection = await call(inspector, 'POST', '/api/v1/evaluation/inspections', {
        kind: 'party-dues',
        unitId: K1,
        title: '党费收缴检查',
        sample: { of: 'schools', size: 5, seed: 'R' },
      });
      const url = `/api/v1/evaluation/inspections/${inspection.body.id}/findings`;
      const notSampled = await call(inspector, 'POST', url, { item: S2, finding: '不在抽样中' });
      expect([notSampled.status, notSampled.body.errors[0].rule]).toEqual([422, 'sampled']);
      const rectify = (school: string) => ({
        item: school,
        finding: '党费收缴台账不全',
        rectification: { deadline: '2031-03-10', responsibleUnitId: school },
      });
      await call(inspector, 'POST', url, rectify(S1));
      const both = await call(inspector, 'POST', url, rectify(S3));
      const [r1, r3] = both.body.findings.map((f: { rectificationId: string }) => f.rectificationId);
      const rect = (id: string) => `/api/v1/evaluation/rectifications/${id}`;
      expect((await call(secretary(S1), 'GET', rect(r1))).body).toMatchObject({
        status: 'open',
        overdue: false,
        deadlineAt: shanghai('2031-03-11T00:00').toISOString(),
      });
      expect((await call(secretary(S1), 'GET', rect(r3))).status).toBe(404);

      // S3 submits in time and the county accepts; S1 does nothing.
      app.get(Clock).now = () => shanghai('2031-03-10T18:00');
      const submitted = await call(secretary(S3), 'POST', `${rect(r3)}/evidence`, {
        text: '已补齐台账',
        files: [{ name: '台账.xlsx', ref: 'files/9' }],
      });
      expect(submitted.body.status).toBe('submitted');
      const scan = app.get(InspectionsService).overdueScan;
      expect(await scan.run(shanghai('2031-03-10T23:59'))).toBe(0);
      expect(await scan.run(shanghai('2031-03-11T00:00'))).toBe(1);
      expect(await scan.run(shanghai('2031-03-11T00:05'))).toBe(0);
      expect((await call(county1, 'GET', rect(r1))).body).toMatchObject({ overdue: true, escalatedTo: [K1], status: 'open' });
      expect((await call(county1, 'GET', rect(r3))).body.overdue).toBe(false);
      const accepted = await call(county1, 'POST', `${rect(r3)}/decision`, { decision: 'accept', comment: '整改到位' });
      expect([accepted.status, accepted.body.status]).toEqual([200, 'accepted']);
      expect((await call(county1, 'POST', `${rect(r3)}/decision`, { decision: 'return', comment: '再改' })).status).toBe(409);

      // The escalation is an event (the notifications service sends it, critical): ids and the deadline, no finding.
      const events = await recordsOf(
        Topics.evaluationInspections,
        (data) => data['rectificationId'] === r1,
        (records) => records.some((e) => e.type === RectificationOverdueV1.type),
      );
      expect(events.map((e) => e.type)).toEqual([RectificationOpenedV1.type, RectificationOverdueV1.type]);
      expect(events[1]).toMatchObject({
        key: S1,
        data: { escalatedTo: [K1], unitId: S1, deadlineAt: shanghai('2031-03-11T00:00').toISOString() },
      });
      expect(JSON.stringify(events)).not.toContain('台账');
    });
  });
});

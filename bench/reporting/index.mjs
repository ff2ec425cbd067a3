// Reporting benchmarks (issue 6):
//  0. The scheduler opens the current period (one expected report per party organisation), as on the
//     1st of the month; the benchmark waits until the compliance view counts them all.
//  1. Deadline burst: N schools each submit one half-month report through the gateway as fast as the
//     machine allows; sustained submissions/s and p99, as a ratio to a bare Fastify + native MongoDB
//     driver server inserting the same document into the same store, same run, same concurrency.
//     Then: how long until the compliance view counts the last submission (goal <= 5 s).
//     Also the store's ceiling: the same bare server, but each request reads the expected report and
//     writes the submission into it with one versioned update, the least store work of a submission.
//  2. Compliance query over N schools x 24 periods: p95 (goal <= 50 ms).
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { Agent, request } from 'undici';
import { MongoClient } from 'mongodb';
import { ensureInfra, stopInfra } from '../../deploy/local/infra.mjs';
import { build } from '../../tools/scripts/build.mjs';
import { spawnServices, stopServices, waitReady } from '../../tools/scripts/services.mjs';
import { benchPlatform, waitConsumersIdle } from '../lib/platform.mjs';
import { Topics } from '../../libs/contracts/dist/topics.js';
import { PENDING_OUTBOX_FILTER } from '../../libs/messaging/dist/outbox.js';
import { signAccessToken } from '../../libs/platform/dist/auth/identity.js';
import { ReportPeriod } from '../../apps/reporting/dist/periods/report-period.js';
import { closedLoop, fmt } from '../lib/load.mjs';

const content = {
  meetings: [{ type: 'theme-day', date: '2026-11-10', topic: '主题党日', attendance: { expected: 30, present: 28 } }],
  freeText: '本期工作记实'.repeat(20),
};

export async function seed(db, schools, run) {
  const city = `city-${run}`;
  const counties = [1, 2, 3].map((i) => `county${i}-${run}`);
  const units = [
    {
      _id: city,
      code: city,
      name: '示范市教育局',
      kind: 'city-bureau',
      parentId: null,
      path: [city],
      level: 0,
      version: 1,
      lastEventId: 'seed',
    },
    ...counties.map((c, i) => ({
      _id: c,
      code: c,
      name: `第${i + 1}区教育局`,
      kind: 'county-bureau',
      parentId: city,
      path: [city, c],
      level: 1,
      version: 1,
      lastEventId: 'seed',
    })),
  ];
  const partyOrgs = [];
  for (let i = 0; i < schools; i++) {
    const parent = i % 10 === 9 ? city : counties[i % 3];
    const id = `s${i}-${run}`;
    const path = parent === city ? [city, id] : [city, parent, id];
    units.push({
      _id: id,
      code: id,
      name: `第${i}中学`,
      kind: 'school',
      parentId: parent,
      path,
      level: path.length - 1,
      version: 1,
      lastEventId: 'seed',
    });
    partyOrgs.push({
      _id: `po${i}-${run}`,
      unitId: id,
      unitPath: path,
      supervisorId: parent,
      routing: 'single',
      active: true,
      version: 1,
      lastEventId: 'seed',
    });
  }
  for (let i = 0; i < units.length; i += 2000) await db.collection('org_units').insertMany(units.slice(i, i + 2000));
  for (let i = 0; i < partyOrgs.length; i += 2000) await db.collection('party_orgs').insertMany(partyOrgs.slice(i, i + 2000));
  return { city, counties, partyOrgs };
}

/**
 * A bare Fastify server with the native driver, one store operation sequence per request: `handler` is
 * the body of the route, with `col` (the collection) and `req` in scope. The baseline inserts the document; the
 * store ceiling does what the store must at least do for one submission to a report kept in place.
 */
function startBare(mongodbUri, db, port, collection, handler, poolSize = 1) {
  const code = `
    import Fastify from 'fastify'; import { MongoClient } from 'mongodb';
    const client = await MongoClient.connect(${JSON.stringify(mongodbUri)}, { maxPoolSize: ${poolSize} });
    const col = client.db(${JSON.stringify(db)}).collection(${JSON.stringify(collection)});
    const app = Fastify({ bodyLimit: 1048576 });
    app.post('/reports/:id', async (req) => { ${handler} });
    app.get('/pid', async () => ({ pid: process.pid }));
    await app.listen({ port: ${port}, host: '127.0.0.1' });`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'ignore', 'inherit'] });
  // Killed with the benchmark, so no stray server keeps the port (and answers the next run's requests).
  for (const signal of ['SIGINT', 'SIGTERM'])
    process.once(signal, () => {
      child.kill('SIGTERM');
      process.exit(130);
    });
  return child;
}

/** The baseline: one insert of the same document per request. */
const BASELINE = `await col.insertOne({ _id: req.params.id, content: req.body.content, at: new Date() }); return { ok: true };`;

/**
 * The store's ceiling for a report kept in place: per request, read the expected report by _id and
 * write the submission into it with one update guarded by its version (status, content, the revision
 * and its event in the outbox), as reporting's submit does. No gateway, no service, no relay, no read
 * model: the least store work any submission to an existing report costs, so its rate over the
 * baseline's is the highest ratio the burst can reach on this store. It gets one connection per
 * concurrent request (the baseline has one): its reads need not wait for the updates' turn.
 */
const CEILING = `
  const doc = await col.findOne({ _id: req.params.id }, { projection: { outbox: 0 } });
  if (!doc) throw new Error('no report ' + req.params.id);
  const now = new Date();
  const r = await col.updateOne({ _id: doc._id, version: doc.version }, {
    $set: { status: 'submitted', draft: req.body.content, firstSubmittedAt: now, timeliness: 'on-time', version: doc.version + 1,
      reviews: doc.reviewers.map((bureauId) => ({ bureauId, status: 'pending', revision: 1 })), pendingReviewers: doc.reviewers },
    $push: { revisions: { revision: 1, content: req.body.content, submittedAt: now, submittedBy: 'bench' },
      outbox: { id: crypto.randomUUID(), type: 'reporting.report.submitted', key: doc.unitId, data: { reportId: doc._id, unitPath: doc.unitPath, periodId: doc.periodId, revision: 1, submittedAt: now.toISOString() } } },
  });
  if (r.matchedCount !== 1) throw new Error('stale ' + doc._id);
  return { ok: true };`;

/** The bare server answering on its port is the one this run started (not a stray of an earlier run). */
async function bareReady(child, port) {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`a bare server exited (${child.exitCode}); is port ${port} taken?`);
    try {
      const r = await request(`http://127.0.0.1:${port}/pid`);
      const { pid } = await r.body.json();
      if (pid === child.pid) return;
      throw new Error(`port ${port} is answered by another process (pid ${pid}): a stray bare server of an earlier run`);
    } catch (err) {
      if (String(err).includes('another process')) throw err;
      await new Promise((res) => setTimeout(res, 100));
    }
  }
  throw new Error(`a bare server did not listen on port ${port}`);
}

export async function run(args) {
  const schools = Number(args[0] ?? 10_000);
  const concurrency = Number(args[1] ?? 32);
  const run = randomBytes(3).toString('hex');
  const infra = await ensureInfra({ log: () => undefined });
  if (!build().ok) throw new Error('build failed');
  const { ports, secrets, envs } = benchPlatform(infra, `bench${run}`, 4300);
  const mongo = await MongoClient.connect(infra.mongodbUri, { maxPoolSize: 1 });
  const db = mongo.db(envs.reporting.MONGODB_DB);
  process.stdout.write(`seeding ${schools} schools and party organisations...\n`);
  const fixture = await seed(db, schools, run);
  // A calendar under which the current period is open whatever today's date (H1 due on the 27th, H2
  // the last 14 days), with no lock: the burst always lands inside an open window, on time.
  const calendar = { timeZone: 'Asia/Shanghai', h1DueDay: 27, h2WindowDays: 14, extensions: {} };
  await db.collection('calendar').insertOne({ _id: 'city', ...calendar, lockAfterDays: 366, version: 1 });
  // The scheduler opens the current period within a second of starting, as it does on the 1st of the
  // month: one expected report per party organisation, long before the deadline burst.
  envs.reporting.REPORTING_TICK_MS = '1000';
  const handles = spawnServices(envs, { logDir: `.local/logs/bench-${run}` });
  const baselinePort = ports.gateway + 9;
  const baseline = startBare(infra.mongodbUri, `bench${run}_baseline`, baselinePort, 'baseline_reports', BASELINE);
  const ceilingPort = baselinePort + 1;
  const ceilingServer = startBare(infra.mongodbUri, `bench${run}_ceiling`, ceilingPort, 'half_month_reports', CEILING, concurrency);
  try {
    await waitReady(handles, { timeoutMs: 120_000 });
    await bareReady(baseline, baselinePort);
    await bareReady(ceilingServer, ceilingPort);
    const dispatcher = new Agent({ connections: concurrency, pipelining: 1 });
    const gateway = `http://127.0.0.1:${ports.gateway}`;
    const cityToken = await signAccessToken(
      { sub: 'bench-city', orgUnitId: fixture.city, roles: ['city-admin'] },
      secrets.AUTH_JWT_SECRET,
      3600,
    );
    const period = ReportPeriod.current(new Date(), calendar);
    const compliance = async () => {
      const r = await request(`${gateway}/api/v1/reporting/compliance?from=${period.id}&to=${period.id}`, {
        dispatcher,
        headers: { authorization: `Bearer ${cityToken}` },
      });
      return (await r.body.json()).total ?? {};
    };
    const opening = Date.now();
    // The scheduler opens every period whose window has opened: this one and, late in a month, the next.
    const toOpen = [period, period.next()].filter((p) => p.window(calendar).opensAt <= new Date()).map((p) => p.id);
    while (
      (await compliance()).expected < schools ||
      (await db.collection('periods').countDocuments({ _id: { $in: toOpen }, openedAt: { $ne: null } })) < toOpen.length
    ) {
      if (Date.now() - opening > 900_000) throw new Error(`periods ${toOpen.join(', ')} not opened for ${schools} schools within 900 s`);
      await new Promise((res) => setTimeout(res, 500));
    }
    const openedIn = (Date.now() - opening) / 1000;
    process.stdout.write(
      `period(s) ${toOpen.join(', ')} opened: ${schools} reports expected each, ${period.id}'s counted, in ${openedIn.toFixed(1)} s\n`,
    );
    // The other consumers (notifications' reminders) digest the opening too: measure on a quiet platform.
    const quietIn = await waitConsumersIdle(infra, `bench${run}`, [Topics.reportingReports]);
    process.stdout.write(`every consumer group caught up ${quietIn.toFixed(1)} s later\n`);
    const tokens = await Promise.all(
      fixture.partyOrgs.map((p) =>
        signAccessToken({ sub: `sec-${p.unitId}`, orgUnitId: p.unitId, roles: ['school-secretary'] }, secrets.AUTH_JWT_SECRET, 3600),
      ),
    );
    const body = JSON.stringify({ content });
    const base = await closedLoop(schools, concurrency, async (i) => {
      const r = await request(`http://127.0.0.1:${baselinePort}/reports/r${i}-${run}`, {
        method: 'POST',
        dispatcher,
        headers: { 'content-type': 'application/json' },
        body,
      });
      await r.body.text();
      if (r.statusCode !== 200) throw new Error(`baseline ${r.statusCode}`);
    });
    process.stdout.write(`baseline (bare Fastify + driver insert): ${fmt(base)}\n`);
    // The store's ceiling works on copies of the expected reports the burst submits to (same documents,
    // same indexes), in a database of its own.
    const ceilingDb = mongo.db(`bench${run}_ceiling`);
    const reports = db.collection('half_month_reports');
    for (const ix of await reports.indexes())
      if (ix.name !== '_id_') await ceilingDb.collection('half_month_reports').createIndex(ix.key, { name: ix.name });
    for (let i = 0; i < schools; i += 2000) {
      const ids = fixture.partyOrgs.slice(i, i + 2000).map((po) => `${po._id}:${period.id}`);
      const copies = (await reports.find({ _id: { $in: ids } }).toArray()).map((d) => ({ ...d, outbox: [] }));
      await ceilingDb.collection('half_month_reports').insertMany(copies);
    }
    const ceiling = await closedLoop(schools, concurrency, async (i) => {
      const r = await request(`http://127.0.0.1:${ceilingPort}/reports/${fixture.partyOrgs[i]._id}:${period.id}`, {
        method: 'POST',
        dispatcher,
        headers: { 'content-type': 'application/json' },
        body,
      });
      await r.body.text();
      if (r.statusCode !== 200) throw new Error(`ceiling ${r.statusCode}`);
    });
    process.stdout.write(`store ceiling (bare Fastify + driver read and versioned update of the report): ${fmt(ceiling)}\n`);
    const burst = await closedLoop(schools, concurrency, async (i) => {
      const p = fixture.partyOrgs[i];
      const r = await request(`${gateway}/api/v1/reports/${p._id}/${period.id}/submit`, {
        method: 'POST',
        dispatcher,
        headers: { authorization: `Bearer ${tokens[i]}`, 'content-type': 'application/json', 'idempotency-key': `bench-${run}-${i}` },
        body,
      });
      const text = await r.body.text();
      if (r.statusCode !== 200) throw new Error(`submit ${r.statusCode} ${text.slice(0, 200)}`);
    });
    const lastSubmission = Date.now();
    process.stdout.write(
      `deadline burst through the gateway: ${fmt(burst)}${burst.firstErrors.length ? ` (${burst.firstErrors.join(' | ')})` : ''}\n`,
    );
    // Where the wait goes: until reporting's outbox holds nothing unpublished (the relay), then until the
    // compliance view counts every submission (the compliance consumer). The outbox is looked at with
    // the relay's own query (one pending document, on its index), at most every 250 ms.
    let caughtUp = NaN;
    let drained = NaN;
    let lookedAtOutbox = 0;
    for (;;) {
      if (Number.isNaN(drained) && Date.now() - lookedAtOutbox >= 250) {
        lookedAtOutbox = Date.now();
        if (!(await db.collection('half_month_reports').findOne(PENDING_OUTBOX_FILTER, { projection: { _id: 1 } })))
          drained = (Date.now() - lastSubmission) / 1000;
      }
      if ((await compliance()).actual >= schools - burst.errors) {
        caughtUp = (Date.now() - lastSubmission) / 1000;
        break;
      }
      if (Date.now() - lastSubmission > 300_000) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    // Compliance over 24 periods: counters for every school, county and the city, seeded directly.
    const periods = [];
    let p = period;
    for (let i = 0; i < 24; i++) {
      periods.unshift(p.id);
      p = p.previous();
    }
    const agg = new Map();
    for (const po of fixture.partyOrgs) {
      for (const pid of periods.slice(0, 23)) {
        for (const u of po.unitPath) {
          const k = `${u}:${pid}`;
          const c = agg.get(k) ?? { _id: k, unitId: u, periodId: pid, expected: 0, actual: 0, onTime: 0 };
          c.expected++;
          c.actual++;
          c.onTime += po._id.length % 2;
          agg.set(k, c);
        }
      }
    }
    const docs = [...agg.values()];
    for (let i = 0; i < docs.length; i += 5000)
      await db
        .collection('compliance')
        .insertMany(docs.slice(i, i + 5000), { ordered: false })
        .catch(() => undefined);
    const queries = [`unit=${fixture.city}`, `unit=${fixture.counties[0]}`, `unit=${fixture.partyOrgs[0].unitId}`];
    const complianceQueries = () =>
      closedLoop(300, 4, async (i) => {
        const r = await request(`${gateway}/api/v1/reporting/compliance?${queries[i % 3]}&from=${periods[0]}&to=${periods[23]}`, {
          dispatcher,
          headers: { authorization: `Bearer ${cityToken}` },
        });
        const j = await r.body.json();
        if (r.statusCode !== 200 || j.periods?.length !== 24) throw new Error(`compliance ${r.statusCode}`);
      });
    // Right after the burst, while the consumers still digest it, and again once every group caught up.
    const q = await complianceQueries();
    const settledIn = await waitConsumersIdle(infra, `bench${run}`, [Topics.reportingReports]);
    const qQuiet = await complianceQueries();
    const b = await closedLoop(20, 4, async () => {
      const r = await request(
        `${gateway}/api/v1/reporting/compliance/breakdown?unit=${fixture.city}&from=${periods[0]}&to=${periods[23]}`,
        { dispatcher, headers: { authorization: `Bearer ${cityToken}` } },
      );
      await r.body.json();
      if (r.statusCode !== 200) throw new Error(`breakdown ${r.statusCode}`);
    });
    const lines = [
      `reporting benchmarks (${schools} schools, concurrency ${concurrency}, Node ${process.versions.node}, store FerretDB/SQLite)`,
      `  period(s) ${toOpen.join(', ')} opened by the scheduler, ${schools} expected reports each: ${openedIn.toFixed(1)} s`,
      `  baseline, bare Fastify + native driver insert: ${fmt(base)}`,
      `  deadline burst through gateway + reporting:      ${fmt(burst)}`,
      `  ratio submissions/s burst / baseline:            ${(burst.perSecond / base.perSecond).toFixed(2)}  (goal >= 0.5)`,
      `  store ceiling, bare read + versioned update:     ${fmt(ceiling)}`,
      `  ratio ceiling / baseline (no burst can pass it): ${(ceiling.perSecond / base.perSecond).toFixed(2)}; burst / ceiling ${(burst.perSecond / ceiling.perSecond).toFixed(2)}`,
      `  ratio p99 baseline / burst:                      ${(base.p99 / burst.p99).toFixed(2)}`,
      `  compliance view current ${Number.isNaN(caughtUp) ? 'NOT within 300 s' : `${caughtUp.toFixed(1)} s`} after the last submission (goal <= 5 s); reporting's outbox published ${Number.isNaN(drained) ? 'not by then' : `${drained.toFixed(1)} s`} after it`,
      `  compliance over 24 periods (city, county, school; 4 callers), right after the burst: p50 ${q.p50.toFixed(1)} ms, p95 ${q.p95.toFixed(1)} ms (goal <= 50 ms), errors ${q.errors}`,
      `  the same once every consumer group caught up (${settledIn.toFixed(1)} s later):     p50 ${qQuiet.p50.toFixed(1)} ms, p95 ${qQuiet.p95.toFixed(1)} ms, errors ${qQuiet.errors}`,
      `  city breakdown by child over 24 periods: p50 ${b.p50.toFixed(1)} ms, p95 ${b.p95.toFixed(1)} ms`,
      `reproduce: npm run bench -- reporting ${schools} ${concurrency}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    baseline.kill('SIGTERM');
    ceilingServer.kill('SIGTERM');
    await stopServices(handles);
    await mongo.close();
    if (infra.started.length) await stopInfra(infra.started);
  }
}

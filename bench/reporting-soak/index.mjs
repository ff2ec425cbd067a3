// Reporting soak (issue 17, item 9): a steady rate of submit / return / resubmit cycles for a while,
// the same few reports over and over, as a school and its bureau going back and forth for weeks.
// Reports: submit p50 (and p95) over a window early in the run (after a warm-up) and over the last one
// (goal: end <= 1.5x start), and how much the store grew per write (reporting's database and the gateway's, its audit
// log included), and what one report read weighs at the end.
//   npm run bench -- reporting-soak [duration=30m] [cycles/s=4] [schools=20]
// duration: 30m, 3m, 90s or a number of seconds.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { MongoClient } from 'mongodb';
import { ensureInfra, stopInfra } from '../../deploy/local/infra.mjs';
import { build } from '../../tools/scripts/build.mjs';
import { spawnServices, stopServices, waitReady } from '../../tools/scripts/services.mjs';
import { benchPlatform, waitConsumersIdle } from '../lib/platform.mjs';
import { percentile } from '../lib/load.mjs';
import { seed } from '../reporting/index.mjs';
import { Topics } from '../../libs/contracts/dist/topics.js';
import { signAccessToken } from '../../libs/platform/dist/auth/identity.js';
import { ReportPeriod } from '../../apps/reporting/dist/periods/report-period.js';

function seconds(arg) {
  const m = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(String(arg));
  if (!m) throw new Error(`duration "${arg}": use 30m, 3m, 90s or seconds`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2] ?? 's'];
}

/** The store's size of one database: dbStats where the store answers it, in bytes. */
async function dbSize(mongo, name) {
  const stats = await mongo.db(name).command({ dbStats: 1 });
  return { data: Number(stats.dataSize ?? 0), storage: Number(stats.storageSize ?? 0) + Number(stats.indexSize ?? 0) };
}

const mb = (bytes) => `${(bytes / 1048576).toFixed(1)} MB`;

export async function run(args) {
  const duration = seconds(args[0] ?? '30m');
  const rate = Number(args[1] ?? 4);
  const schools = Number(args[2] ?? 20);
  const run = randomBytes(3).toString('hex');
  const infra = await ensureInfra({ log: () => undefined });
  if (!build().ok) throw new Error('build failed');
  const { ports, secrets, envs } = benchPlatform(infra, `soak${run}`, 4400);
  const mongo = await MongoClient.connect(infra.mongodbUri, { maxPoolSize: 2 });
  const db = mongo.db(envs.reporting.MONGODB_DB);
  const fixture = await seed(db, schools, run);
  // Always inside an open window, never locked: the cycles never meet a deadline or a lock.
  const calendar = { timeZone: 'Asia/Shanghai', h1DueDay: 27, h2WindowDays: 14, extensions: {} };
  await db.collection('calendar').insertOne({ _id: 'city', ...calendar, lockAfterDays: 366, version: 1 });
  envs.reporting.REPORTING_TICK_MS = '1000';
  const handles = spawnServices(envs, { logDir: `.local/logs/soak-${run}` });
  try {
    await waitReady(handles, { timeoutMs: 120_000 });
    const period = ReportPeriod.current(new Date(), calendar);
    const ids = fixture.partyOrgs.map((p) => `${p._id}:${period.id}`);
    const opening = Date.now();
    while ((await db.collection('half_month_reports').countDocuments({ _id: { $in: ids } })) < schools) {
      if (Date.now() - opening > 120_000) throw new Error(`period ${period.id} not opened within 120 s`);
      await new Promise((res) => setTimeout(res, 500));
    }
    await waitConsumersIdle(infra, `soak${run}`, [Topics.reportingReports, Topics.auditWrites]);
    const gateway = `http://127.0.0.1:${ports.gateway}`;
    const dispatcher = new Agent({ connections: 64, pipelining: 1 });
    const token = (sub, orgUnitId, role) =>
      signAccessToken({ sub, orgUnitId, roles: [role] }, secrets.AUTH_JWT_SECRET, 4 * 3600 + duration);
    const actors = await Promise.all(
      fixture.partyOrgs.map(async (p) => ({
        partyOrgId: p._id,
        secretary: await token(`sec-${p.unitId}`, p.unitId, 'school-secretary'),
        reviewer: await token(`rev-${p.supervisorId}`, p.supervisorId, p.supervisorId === fixture.city ? 'city-admin' : 'county-admin'),
        etag: null,
        cycle: 0,
        busy: false,
      })),
    );
    const call = async (method, url, bearer, body, headers = {}) => {
      const r = await request(`${gateway}${url}`, {
        method,
        dispatcher,
        headers: { authorization: `Bearer ${bearer}`, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const text = await r.body.text();
      if (r.statusCode !== 200) throw new Error(`${method} ${url} ${r.statusCode} ${text.slice(0, 200)}`);
      return { etag: r.headers.etag, text };
    };
    const sizesBefore = {
      reporting: await dbSize(mongo, envs.reporting.MONGODB_DB),
      gateway: await dbSize(mongo, envs.gateway.MONGODB_DB),
    };
    const submits = []; // [at (s since start), latency ms]
    let writes = 0;
    let errors = 0;
    let skipped = 0;
    const firstErrors = [];
    /** One cycle of one school: (re)submit the report, then its bureau returns it. */
    const cycle = async (a) => {
      a.busy = true;
      try {
        const url = `/api/v1/reports/${a.partyOrgId}/${period.id}`;
        a.etag ??= (await call('GET', url, a.secretary)).etag;
        const content = {
          meetings: [{ type: 'theme-day', date: '2026-11-10', topic: '主题党日', attendance: { expected: 30, present: 28 } }],
          freeText: `第 ${a.cycle + 1} 次报送：${'本期工作记实'.repeat(40)}`,
        };
        const t0 = performance.now();
        const submitted = await call(
          'POST',
          `${url}/submit`,
          a.secretary,
          { content },
          {
            'idempotency-key': `soak-${run}-${a.partyOrgId}-${a.cycle}`,
            'if-match': a.etag,
          },
        );
        submits.push([(Date.now() - started) / 1000, performance.now() - t0]);
        writes++;
        const returned = await call(
          'POST',
          `${url}/reviews`,
          a.reviewer,
          { decision: 'return', comment: `请补充（第 ${a.cycle + 1} 轮）` },
          {
            'if-match': submitted.etag,
          },
        );
        writes++;
        a.etag = returned.etag;
        a.cycle++;
      } catch (err) {
        errors++;
        a.etag = null;
        if (firstErrors.length < 3) firstErrors.push(String(err?.message ?? err));
      } finally {
        a.busy = false;
      }
    };
    process.stdout.write(`soak: ${duration} s at ${rate} cycles/s over ${schools} reports of ${period.id}...\n`);
    const started = Date.now();
    const inFlight = new Set();
    let next = 0;
    for (let n = 0; (Date.now() - started) / 1000 < duration; n++) {
      const due = started + (n * 1000) / rate;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((res) => setTimeout(res, wait));
      const a = actors[next++ % actors.length];
      if (a.busy) {
        skipped++;
        continue;
      }
      const p = cycle(a);
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    }
    await Promise.all(inFlight);
    const elapsed = (Date.now() - started) / 1000;
    await waitConsumersIdle(infra, `soak${run}`, [Topics.reportingReports, Topics.auditWrites]);
    const sizesAfter = { reporting: await dbSize(mongo, envs.reporting.MONGODB_DB), gateway: await dbSize(mongo, envs.gateway.MONGODB_DB) };
    const read = await call('GET', `/api/v1/reports/${actors[0].partyOrgId}/${period.id}`, actors[0].secretary);
    const stored = await db.collection('half_month_reports').findOne({ _id: ids[0] });
    // The start is measured after a warm-up (JIT, connection pools, the consumers' first batches), so the
    // two windows compare a warm platform early and late in the run, not a cold one.
    const warmupS = Math.min(30, elapsed / 10);
    const windowS = Math.min(60, Math.max(10, elapsed / 10));
    const stat = (from, to) => {
      const l = submits
        .filter(([at]) => at >= from && at < to)
        .map(([, ms]) => ms)
        .sort((x, y) => x - y);
      return { n: l.length, p50: percentile(l, 50), p95: percentile(l, 95) };
    };
    const start = stat(warmupS, warmupS + windowS);
    const end = stat(elapsed - windowS, elapsed + 1);
    const grew = (k, f) => sizesAfter[k][f] - sizesBefore[k][f];
    const lines = [
      `reporting soak (${schools} reports, ${rate} submit/return cycles/s for ${elapsed.toFixed(0)} s, Node ${process.versions.node}, store FerretDB/SQLite)`,
      `  cycles done ${actors.reduce((s, a) => s + a.cycle, 0)} (${(writes / 2).toFixed(0)} submissions + returns; up to ${Math.max(...actors.map((a) => a.cycle))} revisions per report), errors ${errors}, skipped (report still busy) ${skipped}${firstErrors.length ? ` (${firstErrors.join(' | ')})` : ''}`,
      `  submit p50 from ${warmupS.toFixed(0)} s for ${windowS.toFixed(0)} s (after the warm-up): ${start.p50.toFixed(1)} ms (p95 ${start.p95.toFixed(1)}, n ${start.n}); last ${windowS.toFixed(0)} s: ${end.p50.toFixed(1)} ms (p95 ${end.p95.toFixed(1)}, n ${end.n})`,
      `  ratio p50 end / start: ${(end.p50 / start.p50).toFixed(2)}  (goal <= 1.5)`,
      `  reporting database: data ${mb(sizesBefore.reporting.data)} -> ${mb(sizesAfter.reporting.data)}, ${(grew('reporting', 'data') / writes).toFixed(0)} bytes per write; on disk ${(grew('reporting', 'storage') / writes).toFixed(0)} bytes per write`,
      `  gateway database (audit): data ${mb(sizesBefore.gateway.data)} -> ${mb(sizesAfter.gateway.data)}, ${(grew('gateway', 'data') / writes).toFixed(0)} bytes per write; on disk ${(grew('gateway', 'storage') / writes).toFixed(0)} bytes per write`,
      `  one report at the end: ${read.text.length} bytes read (GET), ${JSON.stringify(stored).length} bytes stored`,
      `reproduce: npm run bench -- reporting-soak ${args[0] ?? '30m'} ${rate} ${schools}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await stopServices(handles);
    await mongo.close();
    if (infra.started.length) await stopInfra(infra.started);
  }
}

// Rolling restart under steady load (issue 20, docs/adr/0024). Two replicas of every service, the
// gateway included: each gateway balances the two replicas of every service (its *_URL lists both,
// it follows their readiness) and this load generator balances the two gateways the same way, as an
// ingress would. The same steady load (submissions: new schools through org-registry; reads of
// org-registry, reporting and notifications; the events the submissions cause) runs twice for the
// same length: once untouched (the baseline, also watching that no gateway's readiness flaps under
// it), once while every replica of every service is restarted in turn (SIGTERM, wait for the exit,
// start again, wait until ready). Reads are offered at a fixed rate (open loop); submissions go one
// after the other. Reported: answered reads/s of the restart phase as a ratio to the baseline
// (goal >= 0.8), failed reads and submissions (goal 0) and lost or duplicated events (goal 0).
//
//   npm run bench -- rolling-restart [requestsPerSecond=30] [baselineSeconds=30]
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { MongoClient } from 'mongodb';
import { ensureInfra, stopInfra } from '../../deploy/local/infra.mjs';
import { percentile } from '../lib/load.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const say = (m) => process.stderr.write(`${m}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const DOMAIN = ['org-registry', 'reporting', 'evaluation', 'training', 'notifications'];
const REPLICAS = ['a', 'b'];

export async function run(args) {
  const rate = Number(args[0] ?? 30);
  const baselineSeconds = Number(args[1] ?? 30);
  const { build } = await import('../../tools/scripts/build.mjs');
  const { SERVICES, spawnServices, stopServices, waitReady } = await import('../../tools/scripts/services.mjs');
  const { benchPlatform, waitConsumersIdle } = await import('../lib/platform.mjs');
  const { signAccessToken } = await import('../../libs/platform/dist/index.js');
  const { Topics } = await import('../../libs/contracts/dist/topics.js');
  const { OrgUnitCreatedV1 } = await import('../../libs/contracts/dist/index.js');

  const infra = await ensureInfra({ log: say });
  if (!build().ok) throw new Error('the TypeScript build failed');
  const runId = `bench${randomBytes(3).toString('hex')}`;
  const base = Number(process.env.BENCH_PORT_BASE ?? 3800);
  // Replica a on base .. base+5 (gateway first), replica b on base+10 .. base+15.
  const portsOf = (offset) => Object.fromEntries(SERVICES.map((s, i) => [s, base + offset + (s === 'gateway' ? 0 : i + 1)]));
  const ports = { a: portsOf(0), b: portsOf(10) };
  const { envs: envA, secrets } = benchPlatform(infra, runId, base);
  const envs = {};
  for (const r of REPLICAS) {
    envs[r] = {};
    for (const s of SERVICES) envs[r][s] = { ...envA[s], HTTP_PORT: String(ports[r][s]) };
    // Both replicas of each service behind each gateway.
    for (const s of DOMAIN) {
      envs[r].gateway[`${s.toUpperCase().replace(/-/g, '_')}_URL`] = REPLICAS.map((x) => `http://127.0.0.1:${ports[x][s]}`).join(',');
    }
  }
  const logDir = path.join(ROOT, '.local', 'logs', runId);
  const handles = {};
  const start = (service, replica) => {
    const [h] = spawnServices(envs[replica], { logDir, only: [service], replica });
    handles[`${service}/${replica}`] = h;
    return h;
  };
  say(`starting ${SERVICES.length * REPLICAS.length} processes (logs: ${path.relative(ROOT, logDir)})...`);
  // Domain services first (the gateways' replica polls find them), one replica after the other: a cold start is CPU-heavy.
  for (const r of REPLICAS) {
    for (const s of DOMAIN) start(s, r);
    await waitReady(
      DOMAIN.map((s) => handles[`${s}/${r}`]),
      { timeoutMs: 240_000 },
    );
  }
  for (const r of REPLICAS) start('gateway', r);
  await waitReady(
    REPLICAS.map((r) => handles[`gateway/${r}`]),
    { timeoutMs: 240_000 },
  );

  const agent = new Agent({ keepAliveTimeout: 10_000, connections: 128 });
  const mongo = await MongoClient.connect(infra.mongodbUri);
  const lb = new LoadBalancer(
    REPLICAS.map((r) => `http://127.0.0.1:${ports[r].gateway}`),
    agent,
  );
  lb.start();
  try {
    // Fixtures: a city and ten counties the submissions go under, in turn (a school list stays the size of a real county's).
    const city = `${runId}-city`;
    const counties = Array.from({ length: 10 }, (_, i) => `${runId}-county${i}`);
    const county = counties[0];
    const admin = await signAccessToken({ sub: 'bench-admin', orgUnitId: city, roles: ['city-admin'] }, secrets.AUTH_JWT_SECRET, 7200);
    const auth = { authorization: `Bearer ${admin}` };
    for (const [id, kind, parentId] of [[city, 'city-bureau', null], ...counties.map((c) => [c, 'county-bureau', city])]) {
      const res = await lb.send('POST', '/api/v1/org-units', {
        headers: auth,
        body: { id, code: id.toUpperCase(), name: id, kind, parentId },
      });
      if (res.status !== 201) throw new Error(`fixture ${id}: ${res.status}`);
    }
    for (;;) {
      const res = await lb.send('GET', `/api/v1/org-units/${counties.at(-1)}`, { headers: auth });
      if (res.status === 200) break;
      await sleep(500);
    }

    // Submissions: new schools, one after the other (creating an org unit takes the tree's lease in
    // org-registry, so concurrent ones would only queue), each causing events every service consumes.
    let n = 0;
    const created = [];
    const submissions = { sent: 0, created: 0, failures: new Map() };
    const submit = async () => {
      const id = `${runId}-s${n++}`;
      submissions.sent++;
      try {
        const res = await lb.send('POST', '/api/v1/org-units', {
          headers: auth,
          body: { id, code: id.toUpperCase(), name: `学校 ${id}`, kind: 'school', parentId: counties[n % counties.length] },
        });
        if (res.status === 201) {
          submissions.created++;
          created.push(id);
        } else count(submissions.failures, `${res.status} ${res.body.slice(0, 120)}`);
      } catch (err) {
        count(submissions.failures, String(err?.message ?? err).slice(0, 160));
      }
    };
    // Reads, in turn: org-registry (two routes), reporting, notifications and the gateway's own.
    const status = (expected) => async (method, path) => {
      const res = await lb.send(method, path, { headers: auth });
      return res.status === expected ? true : `${method} ${path.split('?')[0]}: ${res.status} ${res.body.slice(0, 120)}`;
    };
    const ok = status(200);
    const mix = [
      () => ok('GET', `/api/v1/org-units/${county}`),
      () => ok('GET', '/api/v1/reporting/calendar'),
      () => ok('GET', '/api/v1/notifications/inbox/unread-count'),
      () => ok('GET', `/api/v1/org-units/${city}/children?limit=5`),
      () => ok('GET', '/api/v1/accounts/me'),
    ];

    say(`warm-up (5 s at ${rate} requests/s)...`);
    await steadyLoad(rate, () => sleep(5_000), mix, submit);
    say(`baseline: ${baselineSeconds} s at ${rate} requests/s, watching both gateways' readiness...`);
    const watch = watchReadiness(
      REPLICAS.map((r) => `http://127.0.0.1:${ports[r].gateway}`),
      agent,
    );
    const baseline = await steadyLoad(rate, () => sleep(baselineSeconds * 1_000), mix, submit);
    const flaps = await watch.stop();

    say('rolling restart: every replica of every service in turn, under the same load...');
    const restarts = [];
    const restart = await steadyLoad(
      rate,
      async () => {
        for (const s of [...DOMAIN, 'gateway']) {
          for (const r of REPLICAS) {
            const t0 = Date.now();
            const old = handles[`${s}/${r}`];
            old.child.kill('SIGTERM');
            const exit = await Promise.race([old.exited, sleep(15_000).then(() => null)]);
            const stoppedMs = Date.now() - t0;
            const h = start(s, r);
            await waitReady([h], { timeoutMs: 240_000 });
            // The balancers poll readiness every 250-500 ms: let them see the new replica before the next goes.
            await sleep(1_000);
            restarts.push({ service: `${s}/${r}`, exit, stoppedMs, backMs: Date.now() - t0 });
            say(
              `  ${s}/${r}: exited ${exit ? (exit.signal ?? `code ${exit.code}`) : 'NOT within 15 s'} after ${(stoppedMs / 1000).toFixed(1)} s, ready again after ${((Date.now() - t0) / 1000).toFixed(1)} s`,
            );
          }
        }
      },
      mix,
      submit,
    );

    say('waiting until every consumer group has caught up...');
    await waitConsumersIdle(infra, runId, [Topics.orgUnits, Topics.orgUnitsState], { timeoutMs: 300_000 });
    // Events: one created event per created school on the topic (0: lost, 2 or more ids: duplicated), and
    // every created school in each service's read model (the consumers applied it).
    const events = await createdEvents(infra, runId, Topics.orgUnits, OrgUnitCreatedV1.type);
    const ids = [...created];
    const lost = ids.filter((id) => (events.get(id)?.size ?? 0) === 0);
    const duplicated = ids.filter((id) => (events.get(id)?.size ?? 0) > 1);
    const readModels = {};
    for (const s of ['gateway', 'reporting', 'notifications', 'evaluation', 'training']) {
      const db = mongo.db(envA[s].MONGODB_DB);
      if (!(await db.listCollections({ name: 'org_units' }).toArray()).length) continue;
      const have = new Set(
        (
          await db
            .collection('org_units')
            .find({ _id: { $in: ids } }, { projection: { _id: 1 } })
            .toArray()
        ).map((d) => d._id),
      );
      readModels[s] = ids.filter((id) => !have.has(id)).length;
    }
    const ratio = restart.answeredPerSecond / baseline.answeredPerSecond;
    const lines = [
      `rolling restart (${REPLICAS.length} replicas of each of ${SERVICES.length} services; ${rate} requests/s offered; Node ${process.versions.node}, store ${infra.mode})`,
      `  baseline  ${fmtPhase(baseline)}`,
      `  restarts  ${fmtPhase(restart)}`,
      `  ratio answered reads/s during restarts / baseline: ${ratio.toFixed(2)} (goal >= 0.8)`,
      `  failed reads: ${baseline.failed + restart.failed} (baseline ${baseline.failed}, restarts ${restart.failed}; goal 0)${summarize(new Map([...baseline.failures, ...restart.failures]))}`,
      `  submissions/s (one after the other, a closed loop: what the platform gives): baseline ${(baseline.submitted / baseline.seconds).toFixed(1)}, restarts ${(restart.submitted / restart.seconds).toFixed(1)}, ratio ${(restart.submitted / restart.seconds / (baseline.submitted / baseline.seconds)).toFixed(2)}`,
      `  submissions: ${submissions.sent} sent, ${submissions.created} created, failed ${submissions.sent - submissions.created} (goal 0)${summarize(submissions.failures)}; per phase: baseline ${baseline.submitted}, restarts ${restart.submitted}`,
      `  gateway readiness under the baseline load: ${flaps.polls} polls, ${flaps.notReady} not 200 (goal 0)`,
      `  restarts: ${restarts.length}, exits within 10 s: ${restarts.filter((r) => r.exit && r.stoppedMs <= 10_000).length}, exit code 0: ${restarts.filter((r) => r.exit?.code === 0).length}; longest stop ${(Math.max(...restarts.map((r) => r.stoppedMs)) / 1000).toFixed(1)} s`,
      `  events: ${ids.length} schools created, created events lost ${lost.length}, duplicated (two event ids for one write) ${duplicated.length} (goal 0 and 0)`,
      `  read models missing a created school: ${Object.entries(readModels)
        .map(([s, m]) => `${s} ${m}`)
        .join(', ')} (goal 0)`,
      `reproduce: npm run bench -- rolling-restart ${rate} ${baselineSeconds}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    lb.stop();
    await mongo.close();
    await agent.close();
    await stopServices(Object.values(handles));
    if (infra.started?.length) await stopInfra(infra.started);
  }
}

const fmtPhase = (p) =>
  `${p.seconds.toFixed(1)} s: ${p.answeredPerSecond.toFixed(1)} answered/s of ${p.offeredPerSecond.toFixed(1)} offered, p50 ${p.p50.toFixed(0)} ms, p99 ${p.p99.toFixed(0)} ms, failed ${p.failed}`;

const count = (map, key) => map.set(key, (map.get(key) ?? 0) + 1);
const summarize = (failures) =>
  failures.size === 0
    ? ''
    : `; ${[...failures]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 4)
        .map(([k, v]) => `${v}x ${k}`)
        .join(' | ')}`;

/**
 * Open-loop reads: one request of the mix every 1/rate s, whatever the answers do (up to 256 in
 * flight), until `until()` resolves; a read fails when it errors or gets another status than it
 * expects. Meanwhile `submit` runs one submission after the other.
 */
async function steadyLoad(rate, until, mix, submit) {
  const latencies = [];
  const inflight = new Set();
  const failures = new Map();
  let sent = 0;
  let answered = 0;
  let failed = 0;
  let submitted = 0;
  let done = false;
  const t0 = performance.now();
  const submitter = (async () => {
    while (!done) {
      await submit();
      submitted++;
    }
  })();
  const ticker = (async () => {
    for (let i = 0; !done; i++) {
      const due = t0 + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      if (done || inflight.size >= 256) continue;
      const step = mix[i % mix.length];
      sent++;
      const s = performance.now();
      const p = step().then(
        (result) => {
          latencies.push(performance.now() - s);
          if (result === true) answered++;
          else {
            failed++;
            count(failures, result);
          }
        },
        (err) => {
          failed++;
          count(failures, String(err?.message ?? err).slice(0, 160));
        },
      );
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
    }
  })();
  await until();
  done = true;
  await ticker;
  await Promise.all([...inflight, submitter]);
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    seconds,
    offeredPerSecond: sent / seconds,
    answeredPerSecond: answered / seconds,
    failed,
    failures,
    submitted,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

/**
 * What an ingress does in front of the gateways: round robin over those whose /health/ready answered
 * 200 at the last poll (every 250 ms); a refused connection (nothing was sent) goes to the other one.
 */
class LoadBalancer {
  constructor(urls, agent) {
    this.urls = urls;
    this.agent = agent;
    this.ready = new Set(urls);
    this.next = 0;
  }

  start() {
    this.timer = setInterval(() => {
      for (const url of this.urls) {
        request(`${url}/health/ready`, { dispatcher: this.agent, headersTimeout: 2_000, bodyTimeout: 2_000 }).then(
          async (res) => {
            await res.body.dump();
            if (res.statusCode === 200) this.ready.add(url);
            else this.ready.delete(url);
          },
          (err) => {
            if (err?.code === 'ECONNREFUSED' || err?.cause?.code === 'ECONNREFUSED') this.ready.delete(url);
          },
        );
      }
    }, 250);
  }

  stop() {
    clearInterval(this.timer);
  }

  async send(method, path, { headers = {}, body } = {}) {
    const tried = new Set();
    for (;;) {
      const ready = this.urls.filter((u) => this.ready.has(u) && !tried.has(u));
      const from = ready.length ? ready : this.urls.filter((u) => !tried.has(u));
      if (from.length === 0) throw new Error(`${method} ${path}: every gateway refused the connection`);
      const url = from[this.next++ % from.length];
      tried.add(url);
      try {
        const res = await request(`${url}${path}`, {
          method,
          dispatcher: this.agent,
          headers: { ...headers, 'x-correlation-id': randomUUID(), ...(body ? { 'content-type': 'application/json' } : {}) },
          ...(body ? { body: JSON.stringify(body) } : {}),
          headersTimeout: 30_000,
          bodyTimeout: 30_000,
        });
        const text = await res.body.text();
        return { status: res.statusCode, body: text };
      } catch (err) {
        if (err?.code === 'ECONNREFUSED' || err?.cause?.code === 'ECONNREFUSED') {
          this.ready.delete(url);
          continue;
        }
        throw new Error(`${method} ${path} via ${url}: ${err?.code ?? ''} ${err?.message ?? err}`);
      }
    }
  }
}

/** Polls each gateway's readiness every 250 ms; `stop()` says how many answers were not 200. */
function watchReadiness(urls, agent) {
  let polls = 0;
  let notReady = 0;
  let on = true;
  const loop = (async () => {
    while (on) {
      await Promise.all(
        urls.map(async (url) => {
          polls++;
          try {
            const res = await request(`${url}/health/ready`, { dispatcher: agent, headersTimeout: 5_000, bodyTimeout: 5_000 });
            await res.body.dump();
            if (res.statusCode !== 200) notReady++;
          } catch {
            notReady++;
          }
        }),
      );
      await sleep(250);
    }
  })();
  return {
    async stop() {
      on = false;
      await loop;
      return { polls, notReady };
    },
  };
}

/** unitId -> the set of distinct event ids of its created event on the topic (copies of one id count once). */
async function createdEvents(infra, runId, topic, type) {
  const { Kafka, logLevel } = (await import('kafkajs')).default;
  const { benchKafkaConfig } = await import('../lib/platform.mjs');
  const kafka = new Kafka(benchKafkaConfig(infra, `${runId}-check`, { logLevel: logLevel.NOTHING }));
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
  await admin.disconnect();
  const pending = new Set([...ends].filter(([, high]) => high > 0n).map(([p]) => p));
  const byUnit = new Map();
  const consumer = kafka.consumer({ groupId: `${runId}-check-${randomBytes(3).toString('hex')}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      if (message.headers?.ce_type?.toString() === type) {
        const unitId = message.key?.toString() ?? '';
        if (!byUnit.has(unitId)) byUnit.set(unitId, new Set());
        byUnit.get(unitId).add(message.headers.ce_id?.toString());
      }
      if (BigInt(message.offset) + 1n >= (ends.get(partition) ?? 0n)) pending.delete(partition);
    },
  });
  const deadline = Date.now() + 120_000;
  while (pending.size > 0 && Date.now() < deadline) await sleep(200);
  await consumer.disconnect();
  if (pending.size > 0) throw new Error(`${topic}: not read to its end within 120 s`);
  return byUnit;
}

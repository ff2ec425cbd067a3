// Org registry benchmarks (issue 4), on a city with a county of N schools (default 10,000) grouped in
// 学区 units of M schools (default 1,000), seeded straight into org-registry's database:
//  1. Subtree of the county through the gateway as its county administrator, page by page at the
//     largest page size: p50/p95 per page and the whole walk, against the same query (same filter,
//     sort, limit and projection as the service) straight to the store with the native driver.
//  2. Move of one 学区 (1 + M units) to another county: time from the request until the last
//     descendant's `unit.moved.v1` is on the org-units topic, against the store's own cost of the
//     same rewrite with the native driver (one find by path, one bulkWrite of the same updates) on a
//     copy of the collection. The store is the floor of a move (every descendant is a write); Kafka
//     moves 2,000 small records in well under a second, so a Kafka baseline would hide where time goes.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import { Agent, request } from 'undici';
import { ensureInfra, stopInfra } from '../../deploy/local/infra.mjs';
import { build } from '../../tools/scripts/build.mjs';
import { spawnServices, stopServices, waitReady } from '../../tools/scripts/services.mjs';
import { generateCity } from '../../tools/seed/generator.mjs';
import { percentile } from '../lib/load.mjs';
import { benchKafkaConfig, benchPlatform } from '../lib/platform.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The service's largest page (apps/org-registry/src/common/paging.ts). */
const PAGE = 500;
const NO_OUTBOX = { outbox: 0, history: 0 };
const say = (m) => process.stdout.write(`${m}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const ms = (v) => `${v.toFixed(1)} ms`;
const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];

/** Walks a subtree page by page; `page(cursor)` answers `{ items, nextCursor }`. */
async function walk(page) {
  const latencies = [];
  let cursor = null;
  let count = 0;
  const t0 = performance.now();
  do {
    const s = performance.now();
    const p = await page(cursor);
    latencies.push(performance.now() - s);
    count += p.items.length;
    cursor = p.nextCursor;
  } while (cursor);
  return { latencies, ms: performance.now() - t0, count };
}

async function until(what, check, timeoutMs = 600_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await sleep(200);
  }
}

export async function run(args) {
  const schools = Number(args[0] ?? 10_000);
  const districtSize = Number(args[1] ?? 1_000);
  const passes = Number(args[2] ?? 5);
  const moves = Number(args[3] ?? 2);
  const runId = `bench${randomBytes(3).toString('hex')}`;
  const infra = await ensureInfra({ log: (m) => process.stderr.write(`${m}\n`) });
  if (!build().ok) throw new Error('the TypeScript build failed');
  const { signAccessToken } = await import('../../libs/platform/dist/auth/identity.js');
  const { Topics } = await import('../../libs/contracts/dist/topics.js');
  const { unitEvents } = await import('../../apps/org-registry/dist/org-units/org-unit.events.js');
  const { Kafka, logLevel } = (await import('kafkajs')).default;

  const { ports, secrets, envs } = benchPlatform(infra, runId, 4600);
  const mongo = await MongoClient.connect(infra.mongodbUri, { maxPoolSize: 2 });
  const units = mongo.db(envs['org-registry'].MONGODB_DB).collection('org_units');
  const scratch = mongo.db(`${runId}_baseline`).collection('org_units');
  const kafka = new Kafka(benchKafkaConfig(infra, `${runId}-orgs`, { logLevel: logLevel.ERROR }));
  let handles = [];
  const dispatcher = new Agent({ connections: 4 });
  let consumer;
  try {
    // (Services no longer exit on a topic another one is creating: KafkaClient.ensureTopics retries.)
    handles = spawnServices(envs, { logDir: path.join(ROOT, '.local', 'logs', runId) });
    await waitReady(handles, { timeoutMs: 180_000 });
    const gateway = `http://127.0.0.1:${ports.gateway}`;
    const cityId = `${runId}-city`;
    const city = generateCity({ schools, counties: 1, cityDirectShare: 0, districtSize, members: false, contactPoints: false, cityId });
    const [county] = city.units;
    const county2 = {
      id: `${cityId}-county-2`,
      code: 'C02',
      name: '第二县教育局',
      kind: 'county-bureau',
      parentId: cityId,
      openedOn: '1985-01-01',
    };
    const district = city.units.find((u) => u.kind === 'unit');
    const moved = new Set([district.id, ...city.schools.filter((s) => s.parentId === district.id).map((s) => s.id)]);
    const cityAdmin = await signAccessToken(
      { sub: `${runId}-city-admin`, orgUnitId: cityId, roles: ['city-admin'] },
      secrets.AUTH_JWT_SECRET,
      3600,
    );
    const countyAdmin = await signAccessToken(
      { sub: `${runId}-county-admin`, orgUnitId: county.id, roles: ['county-admin'] },
      secrets.AUTH_JWT_SECRET,
      3600,
    );
    const call = async (method, url, token, body) => {
      const res = await request(`${gateway}${url}`, {
        method,
        dispatcher,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'accept-language': 'en' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.body.text();
      return { status: res.statusCode, body: text ? JSON.parse(text) : undefined };
    };
    const pending = () => units.countDocuments({ 'outbox.id': { $gt: '' } });

    // Seed straight into org-registry's database, documents shaped as OrgUnitsService.newUnit
    // writes them (its events already published: empty outbox). Through the batch API the seed
    // slows as the collection grows on FerretDB and passes the gateway's 10 s upstream timeout long
    // before 10,000 (ADR 0005).
    const t0 = performance.now();
    const all = [city.city, county, county2, ...city.units.slice(1)];
    const paths = new Map();
    const now = new Date();
    const docs = all.map((u) => {
      const unitPath = [...(u.parentId ? paths.get(u.parentId) : []), u.id];
      paths.set(u.id, unitPath);
      const history = [{ version: 1, change: 'created', at: now, by: `${runId}-seed`, name: u.name, path: unitPath }];
      return {
        _id: u.id,
        cityId,
        code: u.code,
        name: u.name,
        kind: u.kind,
        parentId: u.parentId,
        path: unitPath,
        level: unitPath.length - 1,
        version: 1,
        status: 'open',
        openedOn: u.openedOn,
        closedOn: null,
        history,
        createdAt: now,
        updatedAt: now,
        outbox: [],
      };
    });
    for (let i = 0; i < docs.length; i += 2000) await units.insertMany(docs.slice(i, i + 2000));
    const subtreeUrl = (cursor) => `/api/v1/org-units/${county.id}/subtree?limit=${PAGE}&kind=school${cursor ? `&cursor=${cursor}` : ''}`;
    say(`seeded ${docs.length} units straight into the store in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    // 1. Subtree walks, interleaved: the store straight, then through the gateway, `passes` times.
    // A page the gateway gives up on (503 after its 10 s upstream timeout) is counted and asked
    // again: its time stays in the page's latency, as a client would see it.
    const failed = [];
    const viaGateway = async (cursor) => {
      for (;;) {
        const r = await call('GET', subtreeUrl(cursor), countyAdmin);
        if (r.status === 200) return r.body;
        failed.push(r.status);
        if (failed.length > 20) throw new Error(`subtree ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
      }
    };
    // The service's filter (OrgUnitsService.subtree + page): ancestor in path, not itself, kind, after the cursor.
    const viaDriver = async (after) => {
      const filter = { path: county.id, _id: { $ne: county.id, ...(after ? { $gt: after } : {}) }, kind: 'school' };
      const docs = await units
        .find(filter, { projection: NO_OUTBOX })
        .sort({ _id: 1 })
        .limit(PAGE + 1)
        .toArray();
      const items = docs.slice(0, PAGE);
      return { items, nextCursor: docs.length > PAGE ? items.at(-1)._id : null };
    };
    const walks = { store: [], gateway: [] };
    for (let i = 0; i < passes; i++) {
      walks.store.push(await walk(viaDriver));
      walks.gateway.push(await walk(viaGateway));
    }
    for (const w of [...walks.store, ...walks.gateway])
      if (w.count !== schools) throw new Error(`a walk returned ${w.count} schools, not ${schools}`);
    const stats = (list) => {
      const lat = list.flatMap((w) => w.latencies).sort((a, b) => a - b);
      return { pages: lat.length, p50: percentile(lat, 50), p95: percentile(lat, 95), walk: median(list.map((w) => w.ms)) };
    };
    const sub = { store: stats(walks.store), gateway: stats(walks.gateway) };
    say(`subtree measured: ${JSON.stringify(sub)}, ${failed.length} failed page requests`);

    // 2. Moves of the district between the two counties, each timed until its last unit.moved.v1 is
    //    on the topic; then the same rewrite by the native driver on a copy of the collection.
    const snapshot = await units.find({}).toArray();
    for (let i = 0; i < snapshot.length; i += 2000) await scratch.insertMany(snapshot.slice(i, i + 2000));
    const admin = kafka.admin();
    await admin.connect();
    const start = await admin.fetchTopicOffsets(Topics.orgUnits);
    await admin.disconnect();
    consumer = kafka.consumer({ groupId: `${runId}-orgs-bench`, maxWaitTimeInMs: 50 });
    await consumer.connect();
    await consumer.subscribe({ topic: Topics.orgUnits, fromBeginning: false });
    let arrivals = new Map();
    let moveTarget = null;
    const joined = new Promise((resolve) => consumer.on(consumer.events.GROUP_JOIN, resolve));
    await consumer.run({
      eachMessage: async ({ message }) => {
        const data = JSON.parse(String(message.value));
        if (data.moveRootId === district.id && moved.has(data.unitId) && data.path.includes(moveTarget) && !arrivals.has(data.unitId)) {
          arrivals.set(data.unitId, { at: performance.now(), timestamp: Number(message.timestamp) });
        }
      },
    });
    for (const { partition, offset } of start) consumer.seek({ topic: Topics.orgUnits, partition, offset });
    await joined;
    const results = [];
    for (let m = 0; m < moves; m++) {
      const target = m % 2 === 0 ? county2.id : county.id;
      moveTarget = target;
      arrivals = new Map();
      const wall = Date.now();
      const s = performance.now();
      const r = await call('POST', `/api/v1/org-units/${district.id}/move`, cityAdmin, { parentId: target });
      const answered = performance.now() - s;
      // The gateway gives up after 10 s (503 upstream-unavailable); the move carries on in the service.
      if (r.status !== 200 && !/upstream-unavailable/.test(r.body?.type ?? ''))
        throw new Error(`move: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
      await until('moved events on the topic', () => arrivals.size === moved.size);
      const last = Math.max(...[...arrivals.values()].map((a) => a.at));
      const lastStamp = Math.max(...[...arrivals.values()].map((a) => a.timestamp));
      results.push({ status: r.status, descendants: r.body?.descendants, answered, lastEvent: last - s, lastStamp: lastStamp - wall });
      say(`move measured: ${JSON.stringify(results.at(-1))}`);
      await until('move outbox drained', async () => (await pending()) === 0);
    }
    // The store's own cost of the same rewrite: the service's find of the subtree, then one
    // bulkWrite of the same updates (path, level, version, a history entry, the same two events).
    const baseline = [];
    for (let m = 0; m < moves; m++) {
      const target = m % 2 === 0 ? county2.id : county.id;
      const s = performance.now();
      const root = await scratch.findOne({ _id: district.id }, { projection: NO_OUTBOX });
      const rootPath = [cityId, target, district.id];
      const docs = await scratch.find({ path: district.id, _id: { $ne: district.id } }, { projection: NO_OUTBOX }).toArray();
      const ops = [root, ...docs].map((d) => {
        const next = { ...d, path: [...rootPath, ...d.path.slice(d.path.indexOf(district.id) + 1)], version: d.version + 1 };
        next.level = next.path.length - 1;
        const events = unitEvents(next, {
          kind: 'moved',
          previousParentId: d.parentId,
          previousPath: d.path,
          moveId: runId,
          moveRootId: district.id,
        });
        const entry = {
          version: next.version,
          change: 'moved',
          at: new Date(),
          by: 'bench',
          path: next.path,
          previousPath: d.path,
          moveId: runId,
        };
        return {
          updateOne: {
            filter: { _id: d._id },
            update: {
              $set: { path: next.path, level: next.level, version: next.version },
              $push: { history: entry, outbox: { $each: events } },
            },
          },
        };
      });
      await scratch.bulkWrite(ops, { ordered: false });
      baseline.push(performance.now() - s);
      if (ops.length !== moved.size) throw new Error(`baseline rewrote ${ops.length} units, not ${moved.size}`);
    }

    const moveMs = results.map((r) => r.lastEvent);
    const lines = [
      `org registry (county of ${schools} schools in 学区 of ${districtSize}; Node ${process.versions.node}, store ${infra.mode === 'local' ? 'FerretDB 1.24/SQLite' : infra.mode})`,
      `subtree of the county, ${PAGE} per page, ${sub.gateway.pages} pages over ${passes} walks each:`,
      `  baseline, native driver, same filter:  p50 ${ms(sub.store.p50)}, p95 ${ms(sub.store.p95)} per page; whole ${schools}: ${ms(sub.store.walk)} (median)`,
      `  through the gateway (county admin):    p50 ${ms(sub.gateway.p50)}, p95 ${ms(sub.gateway.p95)} per page; whole ${schools}: ${ms(sub.gateway.walk)} (median); ${failed.length} page requests failed and were asked again${failed.length ? ` (${[...new Set(failed)].join(', ')})` : ''}`,
      `  ratio p95 baseline / gateway: ${(sub.store.p95 / sub.gateway.p95).toFixed(2)}; whole walk baseline / gateway: ${(sub.store.walk / sub.gateway.walk).toFixed(2)}`,
      `move of a 学区 (${moved.size} units) to the other county, ${moves} moves:`,
      ...results.map(
        (r, i) =>
          `  move ${i + 1}: answered ${r.status} after ${ms(r.answered)} (${r.descendants ?? '?'} descendants); last unit.moved.v1 consumed after ${ms(r.lastEvent)} (record timestamp ${r.lastStamp} ms)`,
      ),
      `  baseline, native driver find + bulkWrite of the same ${moved.size} updates: ${baseline.map(ms).join(', ')}`,
      `  ratio baseline / move (medians): ${(median(baseline) / median(moveMs)).toFixed(2)}`,
      `reproduce: npm run bench -- orgs ${schools} ${districtSize} ${passes} ${moves}`,
    ];
    say(lines.join('\n'));
  } finally {
    await consumer?.disconnect().catch(() => undefined);
    await stopServices(handles);
    await mongo.close();
    await dispatcher.close();
    if (infra.started?.length) await stopInfra(infra.started);
  }
}

// Evaluation benchmarks (issue 19):
//  1. Rebuild of every derived indicator from a replay: a year of events (24 periods of half-month
//     reports: expected, submitted on time or late, overdue; and training records: enrolled, attended
//     twice, certified) for N party organisations is published to `reporting.reports.v1` and
//     `training.records.v1` with valid envelopes (the contracts' event types and headers), then the
//     evaluation service starts on an empty database with a new consumer group and reads both topics
//     from offset 0, as a rebuild does. Events/s from its spawn until its group committed the end of
//     every partition, as a ratio to a bare consumer (kafkajs + native driver, one process, same
//     partitions consumed at a time) that applies the same writes with evaluation's own writer (the
//     report facts' bulk upserts, the training facts' version-guarded bulk updates, the recounted
//     tallies) to the same store in the same run, timed the same way. Goal: at least 0.5. Both read
//     models (facts and tallies) are checked equal afterwards.
//  2. The score table (`GET /api/v1/evaluation/score-table`) of a county of 300 schools through the
//     gateway: one page of 300 five-goods assessments, each scored live from the rebuilt tallies. p95,
//     goal at most 50 ms.
// `npm run bench -- evaluation [party organisations] [enrolments per school]`; BENCH_PORT_BASE moves the
// services' ports (default 5100), BENCH_INFRA_PORT_OFFSET the benchmark broker's and store's.
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { MongoClient } from 'mongodb';
import kafkajs from 'kafkajs';
import { ensureInfra, stopInfra } from '../../deploy/local/infra.mjs';
import { build } from '../../tools/scripts/build.mjs';
import { spawnServices, stopServices, waitReady } from '../../tools/scripts/services.mjs';
import { benchKafkaAuthEnv, benchKafkaConfig, benchPlatform } from '../lib/platform.mjs';
import { closedLoop } from '../lib/load.mjs';
import {
  eventHeaders,
  eventSource,
  ReportExpectedV1,
  ReportOverdueV1,
  ReportSubmittedV1,
  Topics,
  TrainingCertifiedV1,
  TrainingEnrolledV1,
  TrainingSessionAttendedV1,
} from '../../libs/contracts/dist/index.js';
import { signAccessToken } from '../../libs/platform/dist/auth/identity.js';

const { Kafka, logLevel } = kafkajs;
const YEAR = 2030;
const COUNTY_SCHOOLS = 300;
const REQUIRED_HOURS = 20;
const TOPICS = [Topics.reportingReports, Topics.trainingRecords];
const fmt = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(2));

/** The 24 periods of the year and their deadlines (H1 on the 16th, H2 on the 1st of the next month). */
const PERIODS = Array.from({ length: 24 }, (_, i) => {
  const month = Math.floor(i / 2);
  const h = (i % 2) + 1;
  const id = `${YEAR}-${String(month + 1).padStart(2, '0')}-H${h}`;
  const opensAt = new Date(Date.UTC(YEAR, month, h === 1 ? 1 : 16) - 8 * 3_600_000);
  const dueAt = new Date(Date.UTC(YEAR, h === 1 ? month : month + 1, h === 1 ? 16 : 1) - 8 * 3_600_000);
  return { id, opensAt, dueAt };
});

/** A city, counties of 300 schools each, one party organisation per school, reviewed by its county. */
function topology(orgs, run) {
  const city = `city-${run}`;
  const counties = Array.from({ length: Math.ceil(orgs / COUNTY_SCHOOLS) }, (_, c) => `county${c}-${run}`);
  const partyOrgs = Array.from({ length: orgs }, (_, i) => {
    const county = counties[Math.floor(i / COUNTY_SCHOOLS)];
    const unitId = `s${i}-${run}`;
    return { _id: `po${i}-${run}`, unitId, unitPath: [city, county, unitId], supervisorId: county };
  });
  return { city, counties, partyOrgs };
}

/** Evaluation's read models of units and party organisations, as org-registry's events would leave them. */
async function seedReadModels(db, { city, counties, partyOrgs }) {
  const unit = (id, kind, parentId, path) => ({
    _id: id,
    code: id,
    name: id,
    kind,
    parentId,
    path,
    level: path.length - 1,
    status: 'open',
    closedOn: null,
    version: 1,
    lastEventId: 'seed',
  });
  const units = [
    unit(city, 'city-bureau', null, [city]),
    ...counties.map((c) => unit(c, 'county-bureau', city, [city, c])),
    ...partyOrgs.map((p) => unit(p.unitId, 'school', p.supervisorId, p.unitPath)),
  ];
  const refs = partyOrgs.map((p) => ({
    ...p,
    routing: 'single',
    reviewerIds: [p.supervisorId],
    active: true,
    version: 1,
    lastEventId: 'seed',
  }));
  for (let i = 0; i < units.length; i += 2000) await db.collection('org_units').insertMany(units.slice(i, i + 2000));
  for (let i = 0; i < refs.length; i += 2000) await db.collection('party_orgs').insertMany(refs.slice(i, i + 2000));
}

/** The five-goods assessments of the first county's schools, opened and not yet scored: scored live. */
async function seedAssessments(db, partyOrgs) {
  const docs = partyOrgs.slice(0, COUNTY_SCHOOLS).map((p) => ({
    _id: `five-goods:${YEAR}:${p._id}`,
    kind: 'five-goods',
    year: YEAR,
    partyOrgId: p._id,
    unitId: p.unitId,
    unitPath: p.unitPath,
    reviewers: [p.supervisorId],
    status: 'open',
    schemeVersion: null,
    self: [],
    bureauScores: [],
    moderated: [],
    history: [],
    locked: null,
    version: 1,
    outbox: [],
  }));
  await db.collection('assessments').insertMany(docs);
}

/**
 * The year's events in the order they happen: per period, every party organisation's expected report,
 * then its submission (on time in 20 of 24 periods), or at the deadline its overdue (then a late
 * submission in one period, nothing in three); the training records of each school's teachers:
 * enrolled in the first period, hours attended in the 9th and 17th, certified (half of them) in the last.
 */
function* yearOfEvents(partyOrgs, enrolments) {
  const ev = (contract, data) => ({ contract, data });
  const training = (p, e, version, hours) => ({
    enrolmentId: `prog${e}:${p.unitId}-t${e}`,
    programmeId: `prog${e}`,
    organiserId: p.supervisorId,
    unitId: p.unitId,
    unitPath: p.unitPath,
    teacherId: `${p.unitId}-t${e}`,
    year: YEAR,
    requiredHours: REQUIRED_HOURS,
    hours,
    version,
  });
  for (let pi = 0; pi < PERIODS.length; pi++) {
    const period = PERIODS[pi];
    for (let i = 0; i < partyOrgs.length; i++) {
      const p = partyOrgs[i];
      const ids = { reportId: `${p._id}:${period.id}`, partyOrgId: p._id, unitId: p.unitId, unitPath: p.unitPath, periodId: period.id };
      const reviewers = [p.supervisorId];
      yield ev(ReportExpectedV1, { ...ids, opensAt: period.opensAt.toISOString(), dueAt: period.dueAt.toISOString(), reviewers });
      const k = (i + pi) % 24;
      const submitted = (timeliness, at) =>
        ev(ReportSubmittedV1, { ...ids, revision: 1, submittedAt: new Date(at).toISOString(), timeliness, reviewers });
      if (k < 20) yield submitted('on-time', period.dueAt.getTime() - 86_400_000);
      else {
        yield ev(ReportOverdueV1, { ...ids, dueAt: period.dueAt.toISOString(), reviewers });
        if (k === 20) yield submitted('late', period.dueAt.getTime() + 2 * 86_400_000);
      }
      for (let e = 0; e < enrolments; e++) {
        if (pi === 0) yield ev(TrainingEnrolledV1, training(p, e, 1, 0));
        if (pi === 8 || pi === 16) {
          const hours = pi === 8 ? 10 : 20;
          const completed = hours >= REQUIRED_HOURS;
          yield ev(TrainingSessionAttendedV1, {
            ...training(p, e, pi === 8 ? 2 : 3, hours),
            sessionIds: [`${period.id}-session`],
            hoursAdded: 10,
            completed,
            completedNow: completed,
          });
        }
        if (pi === 23 && e % 2 === 0) yield ev(TrainingCertifiedV1, { ...training(p, e, 4, 20), certified: true, byException: false });
      }
    }
  }
}

/** Publishes the year to the topics (created with the service's partition count), as reporting and training would. */
async function publishYear(kafka, partitions, partyOrgs, enrolments) {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: TOPICS.map((topic) => ({ topic, numPartitions: partitions })) });
  await admin.disconnect();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const sources = { reporting: eventSource('reporting'), training: eventSource('training') };
  let batch = [];
  let count = 0;
  const flush = async () => {
    const byTopic = new Map();
    for (const m of batch) byTopic.set(m.topic, [...(byTopic.get(m.topic) ?? []), m.message]);
    await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
    batch = [];
  };
  for (const { contract, data } of yearOfEvents(partyOrgs, enrolments)) {
    const headers = eventHeaders(contract, { source: sources[contract.producer] });
    batch.push({ topic: contract.topic, message: { key: data.unitId, value: JSON.stringify(data), headers } });
    count++;
    if (batch.length >= 2000) await flush();
  }
  if (batch.length) await flush();
  await producer.disconnect();
  return count;
}

/**
 * The bare consumer: kafkajs and the native driver in one process, its own group from offset 0, the
 * same partitions at a time as the service (one), each batch parsed and applied in runs of at most
 * 500 records of one topic with evaluation's own writer (`DerivedFactsWriter`: the same bulk writes of
 * facts and recounts of tallies as the service), without envelope checks, schema validation, ledger
 * or framework.
 */
function startBareConsumer({ brokers, mongodbUri, db, groupId, total }) {
  const code = `
    import kafkajs from 'kafkajs'; import { MongoClient } from 'mongodb';
    const { DerivedFactsWriter } = await import(${JSON.stringify(new URL('../../apps/evaluation/dist/derived/derived-facts.writer.js', import.meta.url).href)});
    const { Kafka, logLevel } = kafkajs;
    const client = await MongoClient.connect(${JSON.stringify(mongodbUri)}, { maxPoolSize: 1 });
    const d = client.db(${JSON.stringify(db)});
    const writer = new DerivedFactsWriter({ reports: d.collection('report_facts'), members: d.collection('member_facts'),
      trainings: d.collection('training_facts'), tallies: d.collection('derived_tallies'), factKeys: d.collection('fact_keys') });
    const REPORTS = { 'reporting.report.expected.v1': 'expected', 'reporting.report.submitted.v1': 'submitted', 'reporting.report.overdue.v1': 'overdue' };
    const { kafkaAuthOf } = await import(${JSON.stringify(new URL('../../libs/messaging/src/kafka-auth.ts', import.meta.url).href)});
    const consumer = new Kafka({ clientId: ${JSON.stringify(groupId)}, brokers: ${JSON.stringify(brokers)}, ...kafkaAuthOf(process.env), logLevel: logLevel.NOTHING })
      .consumer({ groupId: ${JSON.stringify(groupId)} });
    await consumer.connect();
    await consumer.subscribe({ topics: ${JSON.stringify(TOPICS)}, fromBeginning: true });
    let applied = 0;
    await consumer.run({ partitionsConsumedConcurrently: 1, eachBatchAutoResolve: false, eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
      for (let i = 0; i < batch.messages.length; i += 500) {
        const run = batch.messages.slice(i, i + 500).map((m) => ({ type: m.headers['ce_type'].toString().replace('cn.edu.partybuilding.', ''),
          id: m.headers['ce_id'].toString(), data: JSON.parse(m.value.toString()), offset: m.offset }));
        if (batch.topic === ${JSON.stringify(Topics.reportingReports)}) await writer.applyReports(run.map((r) => ({ type: REPORTS[r.type], data: r.data })));
        else await writer.applyTraining(run.map((r) => ({ data: r.data, eventId: r.id, certified: r.type === 'training.certified.v1' })));
        resolveOffset(run[run.length - 1].offset);
        await heartbeat();
        applied += run.length;
        if (applied === ${total}) process.stdout.write('applied\\n');
      }
    } });`;
  // The super user's credentials by environment, never on the command line.
  const env = { ...process.env, ...benchKafkaAuthEnv() };
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  for (const signal of ['SIGINT', 'SIGTERM'])
    process.once(signal, () => {
      child.kill('SIGTERM');
      process.exit(130);
    });
  return child;
}

/** Seconds from `since` until `groupId` committed the end of every partition of the topics (polled every 200 ms). */
async function caughtUp(admin, groupId, since, { timeoutMs = 1_800_000, alive = () => true } = {}) {
  const ends = new Map();
  for (const topic of TOPICS) for (const p of await admin.fetchTopicOffsets(topic)) ends.set(`${topic}/${p.partition}`, Number(p.high));
  for (;;) {
    let behind = 0;
    try {
      for (const { topic, partitions } of await admin.fetchOffsets({ groupId, topics: TOPICS }))
        for (const p of partitions) behind += Math.max(0, ends.get(`${topic}/${p.partition}`) - Math.max(0, Number(p.offset)));
    } catch (err) {
      // The group's coordinator moves while the group forms (NOT_COORDINATOR_FOR_GROUP): ask again.
      if (!err.retriable) throw err;
      behind = NaN;
    }
    if (behind === 0) return (performance.now() - since) / 1000;
    if (!alive()) throw new Error(`${groupId} stopped ${behind} records behind`);
    if (performance.now() - since > timeoutMs) throw new Error(`${groupId} still ${behind} records behind after ${timeoutMs / 1000} s`);
    await new Promise((res) => setTimeout(res, 200));
  }
}

/** Both read models hold the same facts (ids, outcomes, hours, certification) and tallies, and all of them. */
async function sameFacts(service, bare, expected) {
  const reportKeys = {
    projection: { _id: 1, partyOrgId: 1, unitId: 1, unitPath: 1, periodId: 1, year: 1, dueAt: 1, outcome: 1, submittedAt: 1 },
  };
  const trainingKeys = { projection: { _id: 1, unitId: 1, year: 1, hours: 1, requiredHours: 1, completed: 1, certified: 1, version: 1 } };
  const tallyKeys = { projection: { _id: 1, kind: 1, counts: 1, sourceRange: 1 } };
  for (const [name, options, count] of [
    ['report_facts', reportKeys, expected.reports],
    ['training_facts', trainingKeys, expected.enrolments],
    ['derived_tallies', tallyKeys, expected.tallies],
  ]) {
    const [a, b] = await Promise.all([service, bare].map((db) => db.collection(name).find({}, options).sort({ _id: 1 }).toArray()));
    if (a.length !== count || b.length !== count) throw new Error(`${name}: service ${a.length}, bare ${b.length}, expected ${count}`);
    if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`${name}: the service's facts differ from the bare consumer's`);
  }
}

export async function run(args) {
  const orgs = Number(args[0] ?? 10_000);
  const enrolments = Number(args[1] ?? 4);
  const run = randomBytes(3).toString('hex');
  const infra = await ensureInfra({ log: () => undefined });
  if (!build().ok) throw new Error('build failed');
  const { ports, secrets, envs } = benchPlatform(infra, `bench${run}`, 5100);
  envs.evaluation.EVALUATION_TICK_MS = '0';
  const brokers = infra.kafkaBrokers.split(',');
  const kafka = new Kafka(benchKafkaConfig(infra, `bench${run}`, { logLevel: logLevel.NOTHING }));
  const admin = kafka.admin();
  await admin.connect();
  const mongo = await MongoClient.connect(infra.mongodbUri, { maxPoolSize: 2 });
  const db = mongo.db(envs.evaluation.MONGODB_DB);
  const bareDb = mongo.db(`bench${run}_bare`);
  const fixture = topology(orgs, run);
  let bare;
  let handles = [];
  try {
    process.stdout.write(`seeding ${orgs} party organisations in ${fixture.counties.length} counties...\n`);
    await seedReadModels(db, fixture);
    await seedAssessments(db, fixture.partyOrgs);
    const published = performance.now();
    const partitions = Number(envs.evaluation.KAFKA_TOPIC_PARTITIONS ?? 3);
    const total = await publishYear(kafka, partitions, fixture.partyOrgs, enrolments);
    process.stdout.write(`published ${total} events (${TOPICS.join(', ')}) in ${fmt((performance.now() - published) / 1000)} s\n`);

    const bareGroup = `bench${run}-bare`;
    const bareStarted = performance.now();
    bare = startBareConsumer({ brokers, mongodbUri: infra.mongodbUri, db: bareDb.databaseName, groupId: bareGroup, total });
    const bareS = await caughtUp(admin, bareGroup, bareStarted, { alive: () => bare.exitCode === null });
    bare.kill('SIGTERM');
    process.stdout.write(`bare consumer (kafkajs + native driver): ${total} events in ${fmt(bareS)} s = ${fmt(total / bareS)} events/s\n`);

    const started = performance.now();
    handles = spawnServices(envs, { logDir: `.local/logs/bench-${run}`, only: ['evaluation'] });
    const evaluation = handles[0];
    let readyS = NaN;
    waitReady(handles, { timeoutMs: 120_000 }).then(
      () => (readyS = (performance.now() - started) / 1000),
      () => undefined,
    );
    const rebuildS = await caughtUp(admin, envs.evaluation.KAFKA_GROUP_ID, started, { alive: () => evaluation.child.exitCode === null });
    process.stdout.write(
      `evaluation rebuild: ${total} events in ${fmt(rebuildS)} s = ${fmt(total / rebuildS)} events/s (ready after ${fmt(readyS)} s)\n`,
    );
    await sameFacts(db, bareDb, { reports: orgs * PERIODS.length, enrolments: orgs * enrolments, tallies: orgs * (enrolments ? 2 : 1) });
    process.stdout.write('the service and the bare consumer hold the same facts\n');

    // The score table of the first county: 300 assessments scored live from the rebuilt facts.
    handles.push(...spawnServices(envs, { logDir: `.local/logs/bench-${run}`, only: ['gateway'] }));
    await waitReady(handles, { timeoutMs: 120_000 });
    const county = fixture.counties[0];
    const token = await signAccessToken({ sub: 'bench-county', orgUnitId: county, roles: ['county-admin'] }, secrets.AUTH_JWT_SECRET, 3600);
    const dispatcher = new Agent({ connections: 4, pipelining: 1 });
    const url = `http://127.0.0.1:${ports.gateway}/api/v1/evaluation/score-table?kind=five-goods&year=${YEAR}&unit=${county}&limit=${COUNTY_SCHOOLS}`;
    const scoreTable = async () => {
      const r = await request(url, { dispatcher, headers: { authorization: `Bearer ${token}` } });
      const body = await r.body.json();
      const schools = Math.min(COUNTY_SCHOOLS, orgs);
      if (r.statusCode !== 200 || body.items?.length !== schools)
        throw new Error(`score table ${r.statusCode} ${JSON.stringify(body).slice(0, 200)}`);
      return body;
    };
    const first = await scoreTable();
    const totals = first.items.map((i) => i.total);
    const warm = await closedLoop(10, 4, scoreTable);
    // One caller (a county officer opening the table), then four at once.
    const single = await closedLoop(50, 1, scoreTable);
    const table = await closedLoop(100, 4, scoreTable);
    const base = total / bareS;
    const lines = [
      `evaluation benchmarks (${orgs} party organisations, ${enrolments} enrolments per school, ${total} events, Node ${process.versions.node}, store FerretDB/SQLite)`,
      `  bare consumer, kafkajs + native driver, same writes: ${fmt(bareS)} s = ${fmt(base)} events/s`,
      `  evaluation rebuild from offset 0 (spawn to caught up): ${fmt(rebuildS)} s = ${fmt(total / rebuildS)} events/s (boot to ready ${fmt(readyS)} s)`,
      `  ratio events/s rebuild / bare: ${(total / rebuildS / base).toFixed(2)}  (goal >= 0.5)`,
      `  score table of a county of ${Math.min(COUNTY_SCHOOLS, orgs)} schools (one page, scored live from the tallies; ${warm.count} warm-up requests):`,
      `    1 caller, ${single.count} requests: p50 ${single.p50.toFixed(1)} ms, p95 ${single.p95.toFixed(1)} ms (goal <= 50 ms), p99 ${single.p99.toFixed(1)} ms, errors ${single.errors}`,
      `    4 callers, ${table.count} requests:`,
      `    p50 ${table.p50.toFixed(1)} ms, p95 ${table.p95.toFixed(1)} ms (goal <= 50 ms), p99 ${table.p99.toFixed(1)} ms, errors ${table.errors}${table.firstErrors.length ? ` (${table.firstErrors.join(' | ')})` : ''}; totals ${Math.min(...totals)}-${Math.max(...totals)}`,
      `reproduce: npm run bench -- evaluation ${orgs} ${enrolments}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    if (bare && bare.exitCode === null) bare.kill('SIGTERM');
    await stopServices(handles);
    await admin.disconnect();
    await mongo.close();
    if (infra.started.length) await stopInfra(infra.started);
  }
}

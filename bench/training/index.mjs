// Training benchmark (issue 18, bulk import M22): a 100,000-row attendance CSV uploaded through the
// gateway and imported by the training service (streamed into the store, every row checked against its
// schema, teachers looked up a batch at a time, rows recorded by the training records' AttendanceService:
// sessions, enrolments and hours checked, hours and certification moved, events published; progress
// written per batch), from the first byte sent until the job says done. The rows are a school's
// teachers at every session of a county's programmes, each teacher enrolled in each (set up first
// through the gateway, outside the timing).
//  - rows/s as a ratio to a bare script that inserts the same already-validated rows with insertMany
//    (batches of the importer's size) into the same store, in the same run. Goal: at least 0.5.
//  - the training process's RSS over the import: at the start once the set-up's events are digested
//    and the RSS has settled (medians of five readings a second apart, two in a row within 2 MiB),
//    the peak of readings every 100 ms from the upload until the import's events are digested (the
//    totals and evaluation consumers caught up), and the end, settled again. Goal: peak - start under
//    100 MB: the file is never held whole.
// With FERRETDB_STATS_FILE set, the store's commands during the import are printed too.
// `npm run bench -- training [rows]`; BENCH_PORT_BASE moves the services' ports (default 4900),
// BENCH_INFRA_PORT_OFFSET the benchmark broker's and store's.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { request } from 'undici';
import { MongoClient } from 'mongodb';
import { ensureInfra, infraStatus } from '../../deploy/local/infra.mjs';
import { build } from '../../tools/scripts/build.mjs';
import { spawnServices, stopServices, waitReady } from '../../tools/scripts/services.mjs';
import { benchPlatform, waitConsumersIdle } from '../lib/platform.mjs';
import { cpuSeconds, heapMiB, rssSampler, settledRss } from '../lib/rss.mjs';
import { storeStatsDelta, storeStatsSnapshot } from '../lib/store-stats.mjs';
import { signAccessToken } from '../../libs/platform/dist/auth/identity.js';
import { FOLDED_IMPORT_BATCH_ROWS } from '../../libs/platform/dist/imports/import-limits.js';
import { Topics } from '../../libs/contracts/dist/topics.js';

const TEACHERS = 100;
const PROGRAMMES = 10;
const SESSION_HOURS = 4;
/** The bare script's insertMany batches: the attendance importer's batch size (`batchRows`). */
const BATCH = FOLDED_IMPORT_BATCH_ROWS;
const fmt = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(2));
const heapText = (h) => (h.used === null ? 'n/a' : `${fmt(h.used)}/${fmt(h.total)}`);
const staff = (i) => `T${String(i).padStart(5, '0')}`;

async function seedUnits(db, run) {
  const city = `city-${run}`;
  const county = `county-${run}`;
  const school = `school-${run}`;
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
  await db
    .collection('org_units')
    .insertMany([
      unit(city, 'city-bureau', null, [city]),
      unit(county, 'county-bureau', city, [city, county]),
      unit(school, 'school', county, [city, county, school]),
    ]);
  return { county, school };
}

/** The n-th session date of a programme (a session's id is its date). */
const day = (n) => new Date(Date.UTC(2027, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);

export async function run(args) {
  const rows = Number(args[0] ?? 100_000);
  const sessions = Math.ceil(rows / TEACHERS / PROGRAMMES);
  const run = randomBytes(3).toString('hex');
  const infra = await ensureInfra({ log: () => undefined });
  if (!build().ok) throw new Error('build failed');
  const { ports, secrets, envs } = benchPlatform(infra, `bench${run}`, 4900);
  const mongo = await MongoClient.connect(infra.mongodbUri, { maxPoolSize: 2 });
  const trainingDb = mongo.db(envs.training.MONGODB_DB);
  const { county, school } = await seedUnits(trainingDb, run);
  const handles = spawnServices(envs, { logDir: `.local/logs/bench-${run}` });
  try {
    await waitReady(handles, { timeoutMs: 120_000 });
    const training = handles.find((h) => h.service === 'training');
    const gateway = `http://127.0.0.1:${ports.gateway}`;
    const token = await signAccessToken(
      { sub: 'bench-school', orgUnitId: school, roles: ['school-secretary'] },
      secrets.AUTH_JWT_SECRET,
      3600,
    );
    const countyToken = await signAccessToken(
      { sub: 'bench-county', orgUnitId: county, roles: ['county-admin'] },
      secrets.AUTH_JWT_SECRET,
      3600,
    );
    const post = async (path, body, bearer = token) => {
      const r = await request(`${gateway}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const answer = await r.body.json();
      if (r.statusCode !== 201) throw new Error(`POST ${path}: ${r.statusCode} ${JSON.stringify(answer)}`);
      return answer;
    };
    const upload = async (kind, text) => {
      const r = await request(`${gateway}/api/v1/training/schools/${school}/imports/${kind}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
        body: text,
        headersTimeout: 120_000,
        bodyTimeout: 120_000,
      });
      const body = await r.body.json();
      if (r.statusCode !== 202) throw new Error(`upload ${kind}: ${r.statusCode} ${JSON.stringify(body)}`);
      return body;
    };
    const until = async (id, onPoll = () => undefined) => {
      for (;;) {
        const r = await request(`${gateway}/api/v1/training/imports/${id}`, { headers: { authorization: `Bearer ${token}` } });
        const job = await r.body.json();
        onPoll(job);
        if (['done', 'rejected', 'failed'].includes(job.status)) return job;
        await new Promise((res) => setTimeout(res, 200));
      }
    };

    // The roster the attendance rows name (also warms the service up).
    const roster = ['name,staffNumber,subject,birthYear,partyMember'];
    for (let t = 0; t < TEACHERS; t++) roster.push(`教师${t},${staff(t)},语文,1980,true`);
    const rosterJob = await until((await upload('teachers', roster.join('\n'))).id);
    if (rosterJob.rowsApplied !== TEACHERS) throw new Error(`roster import: ${JSON.stringify(rosterJob)}`);

    // The county's programmes, their sessions, every teacher enrolled in each (programmes side by side).
    const teacherIds = (
      await trainingDb
        .collection('teachers')
        .find({ unitId: school }, { projection: { _id: 1 } })
        .toArray()
    ).map((t) => t._id);
    const programmes = Array.from({ length: PROGRAMMES }, (_, p) => `bench-${run}-p${p}`);
    const setupStarted = performance.now();
    await Promise.all(
      programmes.map(async (id, p) => {
        await post(
          '/api/v1/training/programmes',
          {
            id,
            title: `基准培训 ${p}`,
            category: 'subject-teaching',
            requiredHours: 200,
            year: 2027,
            term: 'full-year',
            assessment: 'none',
            capacity: TEACHERS,
          },
          countyToken,
        );
        for (let s = 0; s < sessions; s++)
          await post(`/api/v1/training/programmes/${id}/sessions`, { date: day(s), hours: SESSION_HOURS }, countyToken);
        for (const teacherId of teacherIds) await post(`/api/v1/training/programmes/${id}/enrolments`, { teacherId });
      }),
    );
    process.stdout.write(
      `set up ${PROGRAMMES} programmes x ${sessions} sessions, ${TEACHERS} teachers enrolled in each: ${fmt((performance.now() - setupStarted) / 1000)} s\n`,
    );

    const lines = ['programmeId,sessionId,staffNumber,hours'];
    for (const programmeId of programmes) {
      for (let s = 0; s < sessions && lines.length <= rows; s++) {
        for (let t = 0; t < TEACHERS && lines.length <= rows; t++) lines.push(`${programmeId},${day(s)},${staff(t)},${(s % 4) + 1}`);
      }
    }
    const file = lines.join('\n') + '\n';
    process.stdout.write(`training import: ${rows} attendance rows, ${fmt(file.length / 1024 / 1024)} MiB...\n`);

    // A settled start: the set-up's events digested (totals, evaluation), then the RSS steady.
    await waitConsumersIdle(infra, `bench${run}`, [Topics.trainingRecords]);
    const start = await settledRss(training.child.pid);
    const heapStart = await heapMiB(training.host, training.port);
    const statsBefore = await storeStatsSnapshot();
    // Who uses the machine's two cores while the import runs: each service, the store, the broker.
    const cpuOf = [
      ...handles.map((h) => ({ name: h.service, pid: h.child.pid })),
      ...(await infraStatus()).filter((s) => s.pid).map((s) => ({ name: s.name, pid: s.pid })),
      { name: 'this benchmark', pid: process.pid },
    ];
    const cpuBefore = cpuOf.map((p) => cpuSeconds(p.pid));
    const sampler = rssSampler(training.child.pid, 100);
    let progressSeen = 0;
    const started = performance.now();
    const created = await upload('attendance', file);
    const uploadedS = (performance.now() - started) / 1000;
    const job = await until(created.id, (j) => {
      if (j.rowsDone > 0 && j.rowsDone < j.rowsTotal) progressSeen++;
    });
    const importS = (performance.now() - started) / 1000;
    const statsAfter = await storeStatsSnapshot();
    // The import's events relayed and counted into the read models belong to the import's footprint.
    const digestedS = await waitConsumersIdle(infra, `bench${run}`, [Topics.trainingRecords]);
    const { peak, samples } = sampler.stop();
    const cpuUsed = cpuOf
      .map((p, i) => ({ ...p, s: cpuSeconds(p.pid) - cpuBefore[i] }))
      .filter((p) => p.s >= 0.05)
      .sort((a, b) => b.s - a.s);
    const end = await settledRss(training.child.pid);
    const heapEnd = await heapMiB(training.host, training.port);
    if (job.status !== 'done' || job.rowsApplied !== rows) throw new Error(`import did not apply every row: ${JSON.stringify(job)}`);
    const importRate = rows / importS;
    // Every row is in the training records: a session of an enrolment.
    const recorded = (
      await trainingDb
        .collection('enrolments')
        .find({ unitId: school }, { projection: { attended: 1 } })
        .toArray()
    ).reduce((n, e) => n + e.attended.length, 0);
    if (recorded !== rows) throw new Error(`${recorded} sessions recorded in the enrolments, ${rows} rows imported`);
    // Every event counted once: the school's yearly hours are the rows' hours.
    const expectedHours = lines.slice(1).reduce((n, line) => n + Number(line.split(',')[3]), 0);
    const totals = await trainingDb.collection('training_totals').findOne({ _id: `u:${school}:2027` });
    if (totals?.hours !== expectedHours) throw new Error(`the school's totals say ${totals?.hours} hours, the rows ${expectedHours}`);

    // The baseline: the same rows, already validated (teacher ids resolved), one document per row,
    // inserted with insertMany in batches of the importer's size into the same store, same run.
    const teachers = new Map(
      (
        await trainingDb
          .collection('teachers')
          .find({ unitId: school }, { projection: { staffNumber: 1 } })
          .toArray()
      ).map((t) => [t.staffNumber, t._id]),
    );
    const docs = lines.slice(1).map((line) => {
      const [programmeId, sessionId, staffNumber, hours] = line.split(',');
      const teacherId = teachers.get(staffNumber);
      return {
        _id: `${programmeId}:${sessionId}:${teacherId}`,
        unitId: school,
        programmeId,
        sessionId,
        teacherId,
        hours: Number(hours),
        recordedAt: new Date(),
        recordedBy: 'bench',
      };
    });
    const baseline = mongo.db(`bench${run}_baseline`).collection('attendance');
    const bareStarted = performance.now();
    for (let i = 0; i < docs.length; i += BATCH) await baseline.insertMany(docs.slice(i, i + BATCH), { ordered: false });
    const bareS = (performance.now() - bareStarted) / 1000;
    const bareRate = docs.length / bareS;

    const settledNote = (r) => (r.settled ? `settled in ${fmt(r.seconds)} s` : `not settled after ${fmt(r.seconds)} s`);
    process.stdout.write(
      [
        `upload answered (file stored, header checked, rows counted): ${fmt(uploadedS)} s`,
        `import: ${rows} rows in ${fmt(importS)} s = ${fmt(importRate)} rows/s (progress seen between 0 and total in ${progressSeen} polls)`,
        `bare insertMany of the same validated rows: ${fmt(bareS)} s = ${fmt(bareRate)} rows/s`,
        `ratio import/bare: ${fmt(importRate / bareRate)} (goal >= 0.5)`,
        `events digested (totals and evaluation caught up, the school's hours = the rows'): ${fmt(digestedS)} s after done`,
        `training RSS (MiB): start ${fmt(start.rss)} (${settledNote(start)}), peak ${fmt(peak)} (${samples} readings from the upload until the events were digested), end ${fmt(end.rss)} (${settledNote(end)})`,
        `training RSS growth: peak - start ${fmt(peak - start.rss)} MiB (goal < 100), end - start ${fmt(end.rss - start.rss)} MiB`,
        `training V8 heap used/committed (MiB): start ${heapText(heapStart)}, end ${heapText(heapEnd)}`,
        `CPU seconds from the upload until the events were digested: ${cpuUsed.map((p) => `${p.name} ${fmt(p.s)}`).join(', ')}`,
        ...storeStatsDelta(statsBefore, statsAfter, { dbPrefix: `bench${run}_` }),
        `reproduce: npm run bench -- training ${rows}`,
        '',
      ].join('\n'),
    );
  } finally {
    await stopServices(handles);
    await mongo.close();
  }
}

// Notifications benchmark (issue 7), on the real store (and broker configured, unused by the wave):
//  1. a reminder wave to N party organisations (default 10,000): from the scheduler's pass at the
//     reminder instant until every inbox entry is written and every e-mail is accepted by a local
//     SMTP server. Baseline in the same run: raw inserts of the same inbox documents plus raw
//     nodemailer sends of N e-mails over the same pool to the same server.
//  2. webhook deliveries per second to a local receiver (default 2,000), against raw signed POSTs
//     from a loop with the same concurrency.
// Usage: npm run bench -- notifications [--orgs N] [--hooks M]
import 'reflect-metadata';
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureInfra, localKafkaAuthEnv, stopInfra } from '../../deploy/local/infra.mjs';
import { build } from '../../tools/scripts/build.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = (p) => pathToFileURL(path.join(ROOT, 'apps', 'notifications', 'dist', p)).href;

function arg(args, name, fallback) {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

const seconds = (ms) => (ms / 1000).toFixed(2);

export async function run(args) {
  const orgs = arg(args, 'orgs', 10_000);
  const hooks = arg(args, 'hooks', 2_000);
  const infra = await ensureInfra({ log: (m) => process.stderr.write(`${m}\n`) });
  process.env.KAFKA_BROKERS = infra.kafkaBrokers;
  // The local broker's super user (docs/adr/0025): the benchmark's own groups are no service's.
  Object.assign(process.env, localKafkaAuthEnv('admin'));
  process.env.MONGODB_URI = infra.mongodbUri;
  if (!build().ok) throw new Error('the TypeScript build failed');

  const { SMTPServer } = await import('smtp-server');
  const nodemailer = (await import('nodemailer')).default;
  const { MongoClient } = await import('mongodb');
  const platform = await import('@pb/platform');
  const contracts = await import('@pb/contracts');
  const { NotificationsModule } = await import(dist('notifications.module.js'));
  const { NoticeScheduler } = await import(dist('scheduler/notice-scheduler.js'));
  const { DeliveryWorker } = await import(dist('delivery/delivery.worker.js'));
  const { NoticeEngine } = await import(dist('rules/notice-engine.js'));
  const { Dispatcher } = await import(dist('dispatch/dispatcher.js'));
  const { smtpOptions } = await import(dist('delivery/channels/email.channel.js'));

  // A local SMTP server that accepts and counts.
  let accepted = 0;
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    closeTimeout: 200,
    onData(stream, _session, cb) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        accepted++;
        cb();
      });
    },
  });
  await new Promise((r) => smtp.listen(0, '127.0.0.1', r));
  const smtpUrl = `smtp://127.0.0.1:${smtp.server.address().port}`;
  // A local webhook receiver that answers 204.
  let received = 0;
  const receiver = createServer((req, res) => {
    req.on('data', () => undefined);
    req.on('end', () => {
      received++;
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  const hookUrl = `http://127.0.0.1:${receiver.address().port}/pb`;

  const run = randomBytes(3).toString('hex');
  const dbName = `bench_notifications_${run}`;
  const secret = randomBytes(32).toString('base64url');
  const config = platform.loadConfig(platform.serviceEnv, {
    ...process.env,
    HTTP_PORT: '1',
    MONGODB_DB: dbName,
    INTERNAL_AUTH_SECRET: secret,
    LOG_LEVEL: 'warn',
  });
  const options = {
    tickMs: 0,
    timeZone: 'Asia/Shanghai',
    reminderDays: [3, 1],
    reminderHour: 9,
    digestWindowMs: 0,
    retryBaseMs: 30_000,
    retryMaxMs: 3_600_000,
    maxAttempts: 8,
    batchSize: 1_000,
    smtp: { url: smtpUrl, from: 'pb <noreply@pb.test>', poolSize: 5 },
    webhookTimeoutMs: 10_000,
  };
  const app = await platform.runService(
    platform.domainServiceModule(
      { service: 'notifications', consume: false, features: () => [NotificationsModule.register(options)] },
      config,
    ),
    { service: 'notifications', host: '127.0.0.1', port: 0 },
  );
  const sh = (y, m, d, h) => new Date(Date.UTC(y, m - 1, d, h - 8));
  let now = sh(2032, 3, 1, 8);
  app.get(platform.Clock).now = () => now;
  const client = await MongoClient.connect(infra.mongodbUri, { maxPoolSize: 1 });
  const db = client.db(dbName);
  const out = [];
  try {
    // Setup (not timed): N schools, each with one e-mail address, and their report.expected events.
    const unit = (i) => `bench-s${i}`;
    const profiles = Array.from({ length: orgs }, (_, i) => ({
      _id: `unit:${unit(i)}`,
      kind: 'unit',
      orgUnitId: unit(i),
      roles: [],
      locale: 'zh-Hans',
      categories: {},
      quietHours: null,
      emails: [{ id: `em_${i}`, address: `office${i}@school${i}.test`, createdAt: now, createdBy: 'bench' }],
      webhooks: [],
      subscribers: [],
      updatedAt: now,
    }));
    for (let i = 0; i < orgs; i += 1_000) await db.collection('recipient_profiles').insertMany(profiles.slice(i, i + 1_000));
    const engine = app.get(NoticeEngine);
    const t0s = performance.now();
    for (let i = 0; i < orgs; i++) {
      await engine.apply(
        { id: `bench-exp-${i}`, type: contracts.ReportExpectedV1.type, time: now.toISOString() },
        {
          reportId: `po${i}:2032-03-H1`,
          partyOrgId: `po${i}`,
          unitId: unit(i),
          unitPath: ['bench-city', 'bench-k', unit(i)],
          periodId: '2032-03-H1',
          opensAt: sh(2032, 3, 1, 0).toISOString(),
          dueAt: sh(2032, 3, 13, 0).toISOString(),
          reviewers: ['bench-k'],
        },
      );
    }
    const scheduleMs = performance.now() - t0s;

    // The wave: the 9th at 09:00, every school's 3-day reminder.
    now = sh(2032, 3, 9, 9);
    const t0 = performance.now();
    const fired = await app.get(NoticeScheduler).tick();
    const inboxMs = performance.now() - t0;
    const inboxCount = await db.collection('deliveries').countDocuments({ channel: 'inbox', category: 'deadline-reminder' });
    const worker = app.get(DeliveryWorker);
    while (accepted < orgs) {
      const pass = await worker.tick();
      if (pass.picked === 0 && accepted < orgs) throw new Error(`worker idle with ${accepted}/${orgs} e-mails accepted`);
    }
    const waveMs = performance.now() - t0;
    if (fired.fired !== orgs || inboxCount !== orgs) throw new Error(`fired ${fired.fired}, inbox ${inboxCount}, expected ${orgs}`);

    // Baseline: the same inbox documents inserted raw, then N e-mails sent raw over the same pool.
    const docs = await db.collection('deliveries').find({ channel: 'inbox' }).toArray();
    const b0 = performance.now();
    for (let i = 0; i < docs.length; i += 1_000)
      await db.collection('baseline_inbox').insertMany(docs.slice(i, i + 1_000), { ordered: false });
    const rawInsertMs = performance.now() - b0;
    const transport = nodemailer.createTransport(smtpOptions(smtpUrl, 5));
    const before = accepted;
    const b1 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < orgs) {
          const i = next++;
          await transport.sendMail({
            from: 'pb <noreply@pb.test>',
            to: `office${i}@school${i}.test`,
            subject: '提醒：2032年3月上半月半月记实表请于2032年3月12日前报送',
            text: `第${i}中学尚未报送2032年3月上半月半月记实表，截止日期 2032年3月12日。`,
          });
        }
      }),
    );
    const rawSendMs = performance.now() - b1;
    transport.close();
    if (accepted - before !== orgs) throw new Error('baseline e-mails missing');
    const baselineMs = rawInsertMs + rawSendMs;
    out.push(
      `reminder wave, ${orgs} party organisations (store and broker: ${infra.mode}):`,
      `  scheduling from ${orgs} report.expected events (in process): ${seconds(scheduleMs)} s`,
      `  inbox entries written (scheduler pass): ${seconds(inboxMs)} s`,
      `  every inbox entry written and every e-mail accepted: ${seconds(waveMs)} s (${Math.round(orgs / (waveMs / 1000))} organisations/s)`,
      `  baseline raw: insert ${orgs} inbox docs ${seconds(rawInsertMs)} s + send ${orgs} e-mails ${seconds(rawSendMs)} s = ${seconds(baselineMs)} s`,
      `  ratio wave / baseline: ${(waveMs / baselineMs).toFixed(2)}`,
    );

    // Webhooks: M notices to one school with a webhook endpoint, then the worker drains them.
    const hookSecret = `whsec_${randomBytes(24).toString('base64url')}`;
    await db.collection('recipient_profiles').insertOne({
      _id: 'unit:bench-hooks',
      kind: 'unit',
      orgUnitId: 'bench-hooks',
      roles: [],
      locale: 'zh-Hans',
      categories: {},
      quietHours: null,
      emails: [],
      webhooks: [{ id: 'wh_bench', url: hookUrl, secret: hookSecret, createdAt: now, createdBy: 'bench' }],
      subscribers: [],
      updatedAt: now,
    });
    const notices = Array.from({ length: hooks }, (_, i) => ({
      id: `bench-hook-${i}`,
      eventId: `bench-hook-${i}`,
      critical: true,
      category: 'report-overdue',
      template: 'report-overdue',
      createdAt: now,
      params: {
        reportId: `po${i}:2032-03-H1`,
        partyOrgId: `po${i}`,
        unitId: 'bench-hooks',
        periodId: '2032-03-H1',
        dueAt: sh(2032, 3, 13, 0).toISOString(),
      },
      recipients: [{ orgUnitId: 'bench-hooks', roles: ['school-secretary'] }],
      unitId: 'bench-hooks',
      unitPath: ['bench-city', 'bench-hooks'],
    }));
    for (let i = 0; i < hooks; i += 1_000) await app.get(Dispatcher).dispatch(notices.slice(i, i + 1_000), now);
    const h0 = performance.now();
    while (received < hooks) {
      const pass = await worker.tick();
      if (pass.picked === 0 && received < hooks) throw new Error(`worker idle with ${received}/${hooks} webhooks received`);
    }
    const hookMs = performance.now() - h0;
    const body = JSON.stringify({ id: 'x', category: 'report-overdue', title: '逾期未报', data: notices[0].params });
    const r0 = performance.now();
    next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < hooks) {
          next++;
          const res = await fetch(hookUrl, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-pb-signature': contracts.signWebhook(hookSecret, body) },
            body,
          });
          await res.arrayBuffer();
        }
      }),
    );
    const rawHookMs = performance.now() - r0;
    const rate = hooks / (hookMs / 1000);
    const rawRate = hooks / (rawHookMs / 1000);
    out.push(
      `webhooks, ${hooks} deliveries to a local receiver:`,
      `  worker: ${Math.round(rate)} deliveries/s (${seconds(hookMs)} s)`,
      `  baseline raw signed POSTs, 32 at a time: ${Math.round(rawRate)} /s (${seconds(rawHookMs)} s)`,
      `  ratio worker / baseline: ${(rate / rawRate).toFixed(2)}`,
    );
  } finally {
    await app.close();
    await db.dropDatabase().catch(() => undefined);
    await client.close();
    await new Promise((r) => smtp.close(r));
    await new Promise((r) => receiver.close(r));
    if (infra.started?.length) await stopInfra(infra.started);
  }
  process.stdout.write(`${out.join('\n')}\n\nreproduce: npm run bench -- notifications --orgs ${orgs} --hooks ${hooks}\n`);
  process.exit(0);
}

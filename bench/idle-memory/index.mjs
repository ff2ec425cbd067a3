// Idle memory of the platform (issue 20 point 7, docs/adr/0027): the six services started as
// `npm start` starts them (tools/scripts/services.mjs spawnServices, the same launch flags), idle
// while empty, then after the demo seed (tools/seed, 100 schools and 3 counties by default) once
// every consumer group has caught up. Reported per service: RSS (VmRSS of /proc/<pid>/status, the
// median of several samples) and V8 heap used (nodejs_heap_size_used_bytes of its /metrics), and the
// six summed (goal: at most 1 GiB after the seed).
// Baselines measured in the same run, started the same way (same Node, same launch flags):
//  - `bare`: a Node process that only waits (`node -e`);
//  - `connections`: a Node process that opens what a service opens (a kafkajs producer and a
//    consumer in a group on one topic, a mongoose connection) and then waits.
// The ratio is the six services' sum to six `connections` processes.
//
//   npm run bench -- idle-memory [schools=100] [counties=3] [settleSeconds=20]
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureInfra, stopInfra } from '../../deploy/local/infra.mjs';
import { heapMiB, sampleRss } from '../lib/rss.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const say = (m) => process.stderr.write(`${m}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A baseline process, spawned as spawnServices spawns a service; resolves once it says it is up. */
async function baseline(kind, infra, runId, execArgv) {
  const code =
    kind === 'bare'
      ? `console.log('up'); setInterval(() => {}, 1 << 30);`
      : `
import kafkajs from 'kafkajs'; import mongoose from 'mongoose';
const kafka = new kafkajs.Kafka({ clientId: '${runId}-baseline', brokers: process.env.KAFKA_BROKERS.split(','), logLevel: kafkajs.logLevel.NOTHING });
const producer = kafka.producer(); await producer.connect();
const admin = kafka.admin(); await admin.connect();
await admin.createTopics({ topics: [{ topic: '${runId}.baseline.v1', numPartitions: 1 }] }); await admin.disconnect();
const consumer = kafka.consumer({ groupId: '${runId}-baseline' }); await consumer.connect();
await consumer.subscribe({ topic: '${runId}.baseline.v1', fromBeginning: true });
await consumer.run({ eachMessage: async () => {} });
await mongoose.connect(process.env.MONGODB_URI, { dbName: '${runId}_baseline' });
await mongoose.connection.db.collection('x').findOne({});
console.log('up'); setInterval(() => {}, 1 << 30);`;
  const child = spawn(process.execPath, [...execArgv, '--input-type=module', '-e', code], {
    cwd: ROOT,
    env: { ...process.env, KAFKA_BROKERS: infra.kafkaBrokers, MONGODB_URI: infra.mongodbUri },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => /up/.test(String(d)) && resolve());
    child.once('exit', (c) => reject(new Error(`the ${kind} baseline exited ${c}`)));
  });
  return child;
}

/** The topics of `names` that the broker has (a topic nobody wrote to yet may not exist). */
async function existingTopics(infra, names) {
  const { Kafka, logLevel } = (await import('kafkajs')).default;
  const admin = new Kafka({ brokers: infra.kafkaBrokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const have = new Set(await admin.listTopics());
    return names.filter((t) => have.has(t));
  } finally {
    await admin.disconnect();
  }
}

export async function run(args) {
  const schools = Number(args[0] ?? 100);
  const counties = Number(args[1] ?? 3);
  const settleSeconds = Number(args[2] ?? 20);
  const { build } = await import('../../tools/scripts/build.mjs');
  const { SERVICES, serviceNodeArgs, spawnServices, stopServices, waitReady } = await import('../../tools/scripts/services.mjs');
  const { benchPlatform, waitConsumersIdle } = await import('../lib/platform.mjs');
  const { seed } = await import('../../tools/seed/seed.mjs');
  const { Topics } = await import('../../libs/contracts/dist/topics.js');

  const infra = await ensureInfra({ log: say });
  if (!build().ok) throw new Error('the TypeScript build failed');
  const runId = `bench${randomBytes(3).toString('hex')}`;
  const { envs, secrets, ports } = benchPlatform(infra, runId, 10600);
  const logDir = path.join(ROOT, '.local', 'logs', runId);
  const outDir = mkdtempSync(path.join(tmpdir(), 'idle-memory-'));
  let handles = [];
  const children = [];
  try {
    // The baselines first, alone on the machine.
    const base = {};
    for (const kind of ['bare', 'connections']) {
      const child = await baseline(kind, infra, runId, serviceNodeArgs());
      children.push(child);
      await sleep(settleSeconds * 1000);
      [base[kind]] = await sampleRss([child.pid]);
      child.kill('SIGTERM');
    }

    say(`starting the six services (logs: ${path.relative(ROOT, logDir)})...`);
    handles = spawnServices(envs, { logDir });
    await waitReady(handles, { timeoutMs: 240_000 });
    const pids = handles.map((h) => h.child.pid);
    const heap = () => Promise.all(handles.map((h) => heapMiB(h.host, h.port)));
    await sleep(settleSeconds * 1000);
    const empty = { rss: await sampleRss(pids), heap: await heap() };
    say(`empty, idle: ${handles.map((h, i) => `${h.service} ${empty.rss[i].toFixed(0)}`).join(', ')} MiB RSS`);

    say(`seeding the demo city (${schools} schools, ${counties} counties)...`);
    await seed({ gateway: `http://127.0.0.1:${ports.gateway}`, schools, counties, secret: secrets.AUTH_JWT_SECRET, outDir, say });
    const caughtUp = await waitConsumersIdle(infra, runId, await existingTopics(infra, Object.values(Topics)));
    say(`consumers caught up ${caughtUp.toFixed(0)} s after the seed; idle for ${settleSeconds} s...`);
    await sleep(settleSeconds * 1000);
    const seeded = { rss: await sampleRss(pids), heap: await heap() };

    const sum = (xs) => xs.reduce((s, x) => s + (x ?? 0), 0);
    const f = (x) => (x === null || x === undefined ? '   -' : x.toFixed(0).padStart(4));
    const row = (m) => `${f(m.rss)} ${f(m.used)} ${f(m.total)} ${f(m.external)}`;
    const at = (phase, i) => ({ rss: phase.rss[i], ...phase.heap[i] });
    const total = (phase) => ({
      rss: sum(phase.rss),
      used: sum(phase.heap.map((h) => h.used)),
      total: sum(phase.heap.map((h) => h.total)),
      external: sum(phase.heap.map((h) => h.external)),
    });
    const lines = [
      `idle memory on Node ${process.versions.node}, node flags of every service and baseline: ${serviceNodeArgs().join(' ') || '(none)'}`,
      `  MiB               empty: RSS heap used/committed external   after the seed (${schools} schools): RSS heap used/committed external`,
      ...SERVICES.map((s) => {
        const i = handles.findIndex((h) => h.service === s);
        return `  ${s.padEnd(16)}        ${row(at(empty, i))}                                    ${row(at(seeded, i))}`;
      }),
      `  ${'sum'.padEnd(16)}        ${row(total(empty))}                                    ${row(total(seeded))}   (goal: RSS <= 1024 after the seed)`,
      `  baseline: bare node -e ${base.bare.toFixed(0)} MiB; node with a kafkajs producer + consumer and a mongoose connection ${base.connections.toFixed(0)} MiB`,
      `  ratio after the seed: sum / (6 x connections baseline) = ${(sum(seeded.rss) / (6 * base.connections)).toFixed(2)}; sum / (6 x bare) = ${(sum(seeded.rss) / (6 * base.bare)).toFixed(2)}`,
      `  ${sum(seeded.rss) <= 1024 ? 'within' : 'OVER'} the 1 GiB goal by ${Math.abs(1024 - sum(seeded.rss)).toFixed(0)} MiB`,
      `reproduce: npm run bench -- idle-memory ${schools} ${counties} ${settleSeconds}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await stopServices(handles);
    rmSync(outDir, { recursive: true, force: true });
    if (infra.started?.length) await stopInfra(infra.started);
  }
}

// Messaging benchmark (ARCHITECTURE §9, issue 3): `npm run bench -- messaging [options]`
// (bench/messaging/index.mjs starts the broker and store and runs this file).
//
// (a) Throughput: N state changes written the way a service writes them (sequence number, then one
//     single-document write with the event in the aggregate's outbox), published by the outbox relay,
//     applied by a consumer (the Kafka event transport, effect and mark in one write in the
//     consumer's own database), as a ratio to raw kafkajs produce -> consume of the same records
//     (same keys, values and CloudEvents headers, same batch size), measured in the same run.
// (b) Propagation latency at a steady rate: from the write's completion (the event exists in the
//     store) to the consumer's effect, p50/p90/p99.
//
// (c) Backlog: the same N writes with the relay stopped (the store alone), then the relay started:
//     relay + Kafka + consumer draining the backlog, as a ratio to the same raw figure.
// (d) The store's ceiling: N bare insertOne of the same payloads by 16 writers; the ratio no outbox
//     pipeline can pass on this store (each event is written at least once).
//
// Options: --events 3000 --rate 500 --seconds 20 --warmup 3 --writers 4 --keys 200
//          --batch 2000 --poll-ms 1000 --busy-poll-ms 100 --max-wait-ms 50 --concurrency 3 --in-flight 16 --nudge 1
//          --only throughput,backlog,latency (any of them)
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Controller, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, Payload } from '@nestjs/microservices';
import { Kafka, logLevel, type Admin, type Message } from 'kafkajs';
import type { Collection } from 'mongodb';
import mongoose, { Schema, type Connection } from 'mongoose';
import { defineEvent, eventHeaders, eventSource, type EventData } from '@pb/contracts';
import {
  CloudEventContext,
  insertOnce,
  KafkaClient,
  kafkaAuthOf,
  KafkaEventServer,
  OnEvent,
  OutboxRelay,
  pendingEvent,
  ProcessedEventLedger,
  withOutbox,
  type MessagingOptions,
  type OutboxEvent,
} from '@pb/messaging';

Logger.overrideLogger(process.env['BENCH_LOGS'] === '1' ? ['log', 'warn', 'error'] : ['error']);

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ''), process.argv[i + 1] ?? '');
const num = (name: string, def: number) => (args.has(name) ? Number(args.get(name)) : def);
const opts = {
  events: num('events', 3_000),
  rate: num('rate', 500),
  seconds: num('seconds', 20),
  warmup: num('warmup', 3),
  writers: num('writers', 4),
  keys: num('keys', 200),
  batch: num('batch', 2_000),
  pollMs: num('poll-ms', 1_000),
  busyPollMs: num('busy-poll-ms', 100),
  maxWaitMs: num('max-wait-ms', 50),
  concurrency: num('concurrency', 3),
  inFlight: num('in-flight', 16),
  /** 0: writes do not nudge the relay, as with writes from another replica: the poll interval decides. */
  nudge: num('nudge', 1),
  only: (args.get('only') ?? 'throughput,backlog,latency').split(','),
};
// Given by bench/messaging/index.mjs (the benchmarks' own pair); no default, which would be the platform's.
const given = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this through npm run bench -- messaging`);
  return value;
};
const brokers = given('KAFKA_BROKERS').split(',');
const mongodbUri = given('MONGODB_URI');
const runId = randomBytes(3).toString('hex');

const topicFor = (phase: string) => `bench.messaging.${phase}.${runId}`;
const stateSchema = {
  type: 'object',
  required: ['unitId', 'code', 'name', 'kind', 'path', 'version'],
  properties: {
    unitId: { type: 'string' },
    code: { type: 'string' },
    name: { type: 'string' },
    kind: { type: 'string' },
    path: { type: 'array', items: { type: 'string' } },
    version: { type: 'integer' },
  },
} as const;
const contractFor = (phase: string) =>
  defineEvent({
    type: 'cn.edu.partybuilding.bench.unit.changed.v1',
    topic: topicFor(phase),
    description: 'benchmark',
    producer: 'bench',
    key: { field: 'unitId', description: 'The org unit.' },
    schema: stateSchema,
  });
type BenchContract = ReturnType<typeof contractFor>;
type State = EventData<BenchContract>;

/** The payload of change i: an org unit's state, about 200 bytes of JSON like the real events. */
function stateOf(i: number): State {
  const unitId = `school-${String(i % opts.keys).padStart(4, '0')}-${runId}`;
  return {
    unitId,
    code: `S${i % opts.keys}`,
    name: '示范市第一中学党支部',
    kind: 'school',
    path: [`city-${runId}`, `county-${i % 7}`, unitId],
    version: Math.floor(i / opts.keys) + 1,
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const auth = kafkaAuthOf(process.env);
const kafka = new Kafka({ clientId: `bench-${runId}`, brokers, ...auth, logLevel: logLevel.NOTHING });

async function waitStable(admin: Admin, groupId: string) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const { groups } = await admin.describeGroups([groupId]);
    if (groups[0]?.state === 'Stable' && groups[0].members.length > 0) return;
    await sleep(100);
  }
  throw new Error(`group ${groupId} never became stable`);
}

// ---------------------------------------------------------------------------------------------
// Raw kafkajs: the same records produced in batches of --batch, consumed by a plain consumer.

async function rawBaseline(n: number, admin: Admin) {
  const topic = topicFor('raw');
  const contract = contractFor('raw');
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3 }] });
  const messages: Message[] = Array.from({ length: n }, (_, i) => {
    const e = pendingEvent(contract, { key: stateOf(i).unitId, data: stateOf(i) });
    return { key: e.key, value: JSON.stringify(e.data), headers: headersOf(e) };
  });
  const groupId = `bench-raw-${runId}`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: opts.maxWaitMs });
  let got = 0;
  let done!: () => void;
  const all = new Promise<void>((r) => (done = r));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    partitionsConsumedConcurrently: opts.concurrency,
    eachMessage: () => {
      if (++got === n) done();
      return Promise.resolve();
    },
  });
  await waitStable(admin, groupId);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const t0 = performance.now();
  for (let i = 0; i < n; i += opts.batch)
    await producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages: messages.slice(i, i + opts.batch) }] });
  const produced = performance.now() - t0;
  await all;
  const ms = performance.now() - t0;
  await producer.disconnect();
  await consumer.disconnect();
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  return { ms, perSec: (n / ms) * 1000, producedMs: produced };
}

function headersOf(e: OutboxEvent) {
  return eventHeaders(e, { id: e.id, source: eventSource('bench'), time: e.time.toISOString() });
}

// ---------------------------------------------------------------------------------------------
// The pipeline: service write (outbox) -> relay -> Kafka -> event transport -> effect.

const sink: { effects?: Collection<{ _id: string }>; onEffect?: (id: string) => void } = {};
let benchContract: BenchContract;

function consumerClass(contract: BenchContract) {
  @Controller()
  class BenchConsumer {
    @OnEvent(contract, { idempotency: 'effect' })
    async onChanged(@Payload() data: State, @Ctx() ctx: CloudEventContext) {
      const result = await insertOnce(sink.effects!, { _id: ctx.event.id, unitId: data.unitId, version: data.version });
      sink.onEffect?.(ctx.event.id);
      return result;
    }
  }
  return BenchConsumer;
}

interface Pipeline {
  write(i: number): Promise<string>;
  relay: OutboxRelay;
  close(): Promise<void>;
}

async function pipeline(phase: string, admin: Admin, { startRelay = true } = {}): Promise<Pipeline> {
  benchContract = contractFor(phase);
  const options: MessagingOptions = {
    brokers,
    auth,
    service: `bench-${phase}-${runId}`,
    topicPartitions: 3,
    outboxPollMs: opts.pollMs,
    outboxBusyPollMs: opts.busyPollMs,
    outboxBatchSize: opts.batch,
  };
  const source: Connection = await mongoose
    .createConnection(mongodbUri, { dbName: `bench-src-${phase}-${runId}`, retryWrites: false, maxPoolSize: 20 })
    .asPromise();
  const target: Connection = await mongoose
    .createConnection(mongodbUri, { dbName: `bench-dst-${phase}-${runId}`, retryWrites: false, maxPoolSize: 20 })
    .asPromise();
  const Aggregate = source.model(
    'BenchAggregate',
    withOutbox(new Schema({ _id: String, version: Number }, { versionKey: false })),
    'aggregates',
  );
  await Aggregate.init();
  const aggregates = Aggregate.collection as unknown as Collection<{ _id: string; version: number; outbox: OutboxEvent[] }>;
  sink.effects = target.collection('effects');
  const producerClient = new KafkaClient(options);
  await producerClient.ensureTopics([{ topic: benchContract.topic }]);
  const relay = new OutboxRelay(producerClient, options);
  relay.register(Aggregate);

  const consumerClient = new KafkaClient({ ...options, service: `${options.service}-consumer` });
  const groupId = `bench-${phase}-${runId}`;
  const server = new KafkaEventServer(consumerClient, new ProcessedEventLedger(target), {
    groupId,
    maxAttempts: 3,
    concurrency: opts.concurrency,
    consumer: { maxWaitTimeInMs: opts.maxWaitMs },
    contracts: [benchContract],
  });
  @Module({ controllers: [consumerClass(benchContract)] })
  class BenchModule {}
  const app = await NestFactory.createMicroservice(BenchModule, {
    strategy: server,
    logger: process.env['BENCH_LOGS'] === '1' ? ['log', 'warn', 'error'] : ['error'],
  });
  await app.listen();
  await waitStable(admin, groupId);
  if (startRelay) {
    relay.start();
    await sleep(500); // the relay takes its lease
  }

  return {
    relay,
    async write(i: number) {
      const state = stateOf(i);
      const [event] = await relay.sequence(pendingEvent(benchContract, { key: state.unitId, data: state }));
      await aggregates.updateOne({ _id: state.unitId }, { $set: { version: state.version }, $push: { outbox: event } }, { upsert: true });
      if (opts.nudge) relay.nudge();
      return event.id;
    },
    async close() {
      await relay.stop();
      await app.close();
      await producerClient.onApplicationShutdown();
      await consumerClient.onApplicationShutdown();
      await source.dropDatabase();
      await target.dropDatabase();
      await source.close();
      await target.close();
      await admin.deleteTopics({ topics: [benchContract.topic] }).catch(() => undefined);
    },
  };
}

/** Resolves when the consumer has applied n effects. */
function effectsCounted(n: number): Promise<void> {
  let applied = 0;
  return new Promise<void>((resolve) => {
    sink.onEffect = () => {
      if (++applied === n) resolve();
    };
  });
}

/** n state changes by `--writers` concurrent writers (like concurrent API requests); resolves to the time taken. */
async function writeAll(p: Pipeline, n: number): Promise<number> {
  return inTurn(n, opts.writers, (i) => p.write(i));
}

/** Calls `op(0..n-1)` from `workers` concurrent loops; resolves to the time taken (ms). */
async function inTurn(n: number, workers: number, op: (i: number) => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < n) await op(next++);
    }),
  );
  return performance.now() - t0;
}

async function pipelineThroughput(n: number, admin: Admin) {
  const p = await pipeline('throughput', admin);
  const all = effectsCounted(n);
  const t0 = performance.now();
  const writtenMs = await writeAll(p, n);
  await all;
  const ms = performance.now() - t0;
  await p.close();
  return { ms, perSec: (n / ms) * 1000, writtenMs, writesPerSec: (n / writtenMs) * 1000 };
}

async function backlogDrain(n: number, admin: Admin) {
  const p = await pipeline('backlog', admin, { startRelay: false });
  const all = effectsCounted(n);
  const writtenMs = await writeAll(p, n);
  const t0 = performance.now();
  p.relay.start();
  await all;
  const ms = performance.now() - t0;
  await p.close();
  return { writesPerSec: (n / writtenMs) * 1000, drainMs: ms, perSec: (n / ms) * 1000 };
}

async function latencyAtRate(admin: Admin) {
  const p = await pipeline('latency', admin);
  const total = Math.round(opts.rate * opts.seconds);
  const interval = 1000 / opts.rate;
  const writtenAt = new Map<string, number>();
  const appliedAt = new Map<string, number>();
  const slips: number[] = [];
  sink.onEffect = (id) => appliedAt.set(id, performance.now());
  const t0 = performance.now() + 100;
  let inFlight = 0;
  let maxInFlight = 0;
  const writes: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    // A store that cannot keep up makes writes wait here (reported as schedule slip), not pile up.
    while (inFlight >= opts.inFlight) await sleep(1);
    slips.push(performance.now() - due);
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    writes.push(
      p.write(i).then((id) => {
        writtenAt.set(id, performance.now());
        inFlight -= 1;
      }),
    );
  }
  await Promise.all(writes);
  const writeSeconds = (performance.now() - t0) / 1000;
  const deadline = Date.now() + 120_000;
  while (appliedAt.size < total && Date.now() < deadline) await sleep(50);
  const warm = t0 + opts.warmup * 1000;
  const latencies = [...writtenAt]
    .filter(([, at]) => at >= warm)
    .map(([id, at]) => (appliedAt.get(id) ?? Infinity) - at)
    .sort((a, b) => a - b);
  await p.close();
  slips.sort((a, b) => a - b);
  return {
    events: total,
    measured: latencies.length,
    achievedWritesPerSec: total / writeSeconds,
    lost: total - appliedAt.size,
    p50: percentile(latencies, 50),
    p90: percentile(latencies, 90),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1] ?? NaN,
    scheduleSlipP99: percentile(slips, 99),
    maxWritesInFlight: maxInFlight,
  };
}

/**
 * The store alone: one insertOne per event (the same payloads), by 16 concurrent writers, with no
 * relay, broker or consumer. Any pipeline that writes each event to the store at least once (the
 * outbox, ARCHITECTURE §4) is bounded by this rate, so `rate / raw` bounds its ratio.
 */
async function storeCeiling(n: number) {
  const conn = await mongoose
    .createConnection(mongodbUri, { dbName: `bench-ceiling-${runId}`, retryWrites: false, maxPoolSize: 20 })
    .asPromise();
  const col = conn.collection<{ _id: string }>('events');
  const ms = await inTurn(n, 16, (i) => col.insertOne({ _id: `${runId}-${i}`, ...stateOf(i) }));
  await conn.dropDatabase();
  await conn.close();
  return { ms, perSec: (n / ms) * 1000 };
}

// ---------------------------------------------------------------------------------------------

const admin = kafka.admin();
await admin.connect();
const fmt = (x: number, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : String(x));
const settings = `writers=${opts.writers} keys=${opts.keys} batch=${opts.batch} poll-ms=${opts.pollMs} busy-poll-ms=${opts.busyPollMs} max-wait-ms=${opts.maxWaitMs} concurrency=${opts.concurrency} in-flight=${opts.inFlight} nudge=${opts.nudge}`;
const results: Record<string, unknown> = { settings: opts };
process.stdout.write(`messaging benchmark (${settings}); brokers ${brokers.join(',')}, store ${mongodbUri}\n`);

let raw: Awaited<ReturnType<typeof rawBaseline>> | undefined;
if (opts.only.includes('throughput') || opts.only.includes('backlog')) {
  raw = await rawBaseline(opts.events, admin);
  results['raw'] = raw;
  process.stdout.write(
    `\nraw kafkajs produce -> consume, ${opts.events} events: ${fmt(raw.perSec)} events/s (${fmt(raw.ms)} ms; produce ${fmt(raw.producedMs)} ms)\n`,
  );
}
if (raw && opts.only.includes('throughput')) {
  const pipe = await pipelineThroughput(opts.events, admin);
  const ratio = pipe.perSec / raw.perSec;
  results['throughput'] = { ...pipe, ratio };
  process.stdout.write(
    `\n(a) throughput, outbox write -> effect, ${opts.events} events, ${opts.writers} writers\n` +
      `    ${fmt(pipe.perSec)} events/s (${fmt(pipe.ms)} ms; the writes took ${fmt(pipe.writtenMs)} ms = ${fmt(pipe.writesPerSec)} writes/s)\n` +
      `    ratio to raw ${fmt(ratio, 3)}  (goal >= 0.5)\n`,
  );
}
if (raw && opts.only.includes('throughput')) {
  const ceiling = await storeCeiling(opts.events);
  const bound = ceiling.perSec / raw.perSec;
  results['storeCeiling'] = { ...ceiling, ratioBound: bound };
  process.stdout.write(
    `\n(d) the store alone, one insertOne per event, 16 writers: ${fmt(ceiling.perSec)} writes/s\n` +
      `    no pipeline that writes each event to the store once can pass ratio ${fmt(bound, 3)} on this store\n`,
  );
}
if (raw && opts.only.includes('backlog')) {
  const backlog = await backlogDrain(opts.events, admin);
  const ratio = backlog.perSec / raw.perSec;
  results['backlog'] = { ...backlog, ratio };
  process.stdout.write(
    `\n(c) backlog of ${opts.events} events written with the relay stopped (store alone: ${fmt(backlog.writesPerSec)} writes/s)\n` +
      `    relay -> Kafka -> effect drained it at ${fmt(backlog.perSec)} events/s (${fmt(backlog.drainMs)} ms); ratio to raw ${fmt(ratio, 3)}\n`,
  );
}
if (opts.only.includes('latency')) {
  const lat = await latencyAtRate(admin);
  results['latency'] = lat;
  process.stdout.write(
    `\n(b) propagation latency at ${opts.rate} events/s for ${opts.seconds} s (first ${opts.warmup} s not counted; write done -> effect)\n` +
      `    writes achieved ${fmt(lat.achievedWritesPerSec)}/s, ${lat.measured} measured, ${lat.lost} not applied within 2 min\n` +
      `    p50 ${fmt(lat.p50, 1)} ms   p90 ${fmt(lat.p90, 1)} ms   p99 ${fmt(lat.p99, 1)} ms   max ${fmt(lat.max, 1)} ms  (goal p99 <= 100 ms)\n` +
      `    write schedule slip p99 ${fmt(lat.scheduleSlipP99, 1)} ms (at most ${lat.maxWritesInFlight} writes in flight)\n`,
  );
}
await admin.disconnect();
const ports = ['LOCAL_KAFKA_PORT', 'LOCAL_KAFKA_CONTROLLER_PORT', 'LOCAL_MONGO_PORT']
  .filter((v) => process.env[v])
  .map((v) => `${v}=${process.env[v]}`);
const command = process.env['BENCH_COMMAND'] ?? `npm run bench -- messaging ${process.argv.slice(2).join(' ')}`;
process.stdout.write(`\nresult ${JSON.stringify(results)}\n`);
process.stdout.write(`reproduce: ${[...ports, command].join(' ')}\n`);
process.exit(0);

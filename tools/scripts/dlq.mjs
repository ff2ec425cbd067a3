#!/usr/bin/env node
// Dead letters: list what a consumer group dead-lettered, and re-publish chosen records to the
// topic they came from, with their original headers (the dlq-* headers dropped).
//
//   npm run dlq -- list <topic>.dlq.<group> [--json]
//   npm run dlq -- republish <topic>.dlq.<group> <offset | partition:offset>...
//
// Brokers: KAFKA_BROKERS, else the local broker (127.0.0.1:$LOCAL_KAFKA_PORT, default 9092).
// Credentials: KAFKA_SASL_* (a principal that may read the dead-letter topic and write its source),
// else the local broker's super user from its users file (docs/adr/0025).
// A re-published record is a new delivery of the same event (same ce_id): the group applies it
// if it never did (a dead-lettered event is never marked applied), so fix the cause first.
import { randomBytes } from 'node:crypto';
import { localKafkaAuthEnv } from '../../deploy/local/infra.mjs';
import { ensureNode24 } from './node24.mjs';

ensureNode24(new URL(import.meta.url).pathname);

const { Kafka, logLevel } = (await import('kafkajs')).default;
// The one mapping of the KAFKA_SASL_* / KAFKA_TLS* variables, from source (Node 24 strips its types).
const { kafkaAuthOf } = await import('../../libs/messaging/src/kafka-auth.ts');

/** KAFKA_SASL_* of the environment, else (no KAFKA_BROKERS: the local broker) its super user. */
function auth() {
  if (process.env.KAFKA_SASL_MECHANISM || process.env.KAFKA_BROKERS) return kafkaAuthOf(process.env);
  return kafkaAuthOf(localKafkaAuthEnv('admin'));
}

const DLQ_PREFIX = 'dlq-';
const USAGE = `usage:
  npm run dlq -- list <topic>.dlq.<group> [--json]
  npm run dlq -- republish <topic>.dlq.<group> <offset | partition:offset>...`;

function brokers() {
  const list = process.env.KAFKA_BROKERS || `127.0.0.1:${process.env.LOCAL_KAFKA_PORT || 9092}`;
  return list
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
}

function headerText(value) {
  if (value === undefined || value === null) return undefined;
  const v = Array.isArray(value) ? value[0] : value;
  return Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
}

/** Every record of `topic` (all partitions, from the low to the high watermark), read without committing. */
export async function readAll(kafka, topic) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = await admin.listTopics();
    if (!topics.includes(topic)) throw new Error(`topic ${topic} does not exist`);
    const offsets = await admin.fetchTopicOffsets(topic);
    const remaining = new Map(offsets.filter((o) => BigInt(o.high) > BigInt(o.low)).map((o) => [o.partition, BigInt(o.high)]));
    const records = [];
    if (remaining.size === 0) return records;
    const groupId = `dlq-reader-${randomBytes(4).toString('hex')}`;
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out reading ${topic}`)), 60_000);
        consumer
          .run({
            autoCommit: false,
            eachMessage: async ({ partition, message }) => {
              records.push({ partition, ...message });
              const high = remaining.get(partition);
              if (high !== undefined && BigInt(message.offset) + 1n >= high) remaining.delete(partition);
              if (remaining.size === 0) {
                clearTimeout(timer);
                resolve();
              }
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
      await admin.deleteGroups([groupId]).catch(() => undefined);
    }
    return records.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
  } finally {
    await admin.disconnect();
  }
}

function describe(record) {
  const h = (name) => headerText(record.headers?.[name]);
  return {
    partition: record.partition,
    offset: record.offset,
    key: record.key?.toString('utf8') ?? null,
    type: h('ce_type') ?? null,
    id: h('ce_id') ?? null,
    attempts: Number(h('dlq-attempts') ?? NaN),
    reason: h('dlq-reason') ?? null,
    error: h('dlq-error') ?? null,
    source: {
      topic: h('dlq-source-topic') ?? null,
      partition: Number(h('dlq-source-partition') ?? NaN),
      offset: h('dlq-source-offset') ?? null,
    },
    group: h('dlq-group') ?? null,
    deadLetteredAt: h('dlq-time') ?? null,
    headers: Object.fromEntries(Object.entries(record.headers ?? {}).map(([k, v]) => [k, headerText(v)])),
    value: record.value?.toString('utf8') ?? null,
  };
}

async function list(kafka, topic, json) {
  const records = (await readAll(kafka, topic)).map(describe);
  if (json) {
    for (const r of records) process.stdout.write(`${JSON.stringify(r)}\n`);
    return;
  }
  process.stdout.write(`${records.length} dead letter(s) in ${topic}\n`);
  for (const r of records) {
    process.stdout.write(
      `${r.partition}:${r.offset}  ${r.deadLetteredAt ?? '-'}  attempts=${r.attempts}  ${r.reason ?? '-'}  ${r.type ?? '(no ce_type)'}  ${r.id ?? '(no ce_id)'}` +
        `  from ${r.source.topic}/${r.source.partition}@${r.source.offset}\n    ${r.error ?? ''}\n`,
    );
  }
}

async function republish(kafka, topic, selectors) {
  if (selectors.length === 0) throw new Error('name at least one offset (or partition:offset) to re-publish');
  const records = await readAll(kafka, topic);
  const chosen = selectors.map((sel) => {
    const m = /^(?:(\d+):)?(\d+)$/.exec(sel);
    if (!m) throw new Error(`${sel} is not an offset or partition:offset`);
    const matches = records.filter((r) => r.offset === m[2] && (m[1] === undefined || r.partition === Number(m[1])));
    if (matches.length === 0) throw new Error(`no record at ${sel} in ${topic}`);
    if (matches.length > 1)
      throw new Error(`offset ${sel} exists on partitions ${matches.map((r) => r.partition).join(', ')}: name one as partition:offset`);
    return matches[0];
  });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (const r of chosen) {
      const target = headerText(r.headers?.['dlq-source-topic']);
      if (!target) throw new Error(`record ${r.partition}:${r.offset} has no dlq-source-topic header`);
      const headers = Object.fromEntries(Object.entries(r.headers ?? {}).filter(([k]) => !k.startsWith(DLQ_PREFIX)));
      const [meta] = await producer.send({ topic: target, acks: -1, messages: [{ key: r.key, value: r.value, headers }] });
      process.stdout.write(`republished ${topic} ${r.partition}:${r.offset} -> ${target} ${meta.partition}:${meta.baseOffset}\n`);
    }
  } finally {
    await producer.disconnect();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [command, topic, ...rest] = process.argv.slice(2);
  if (!['list', 'republish'].includes(command) || !topic) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(2);
  }
  const kafka = new Kafka({ clientId: 'dlq-tool', brokers: brokers(), ...auth(), logLevel: logLevel.ERROR, retry: { retries: 5 } });
  try {
    if (command === 'list') await list(kafka, topic, rest.includes('--json'));
    else await republish(kafka, topic, rest);
  } catch (err) {
    process.stderr.write(`dlq: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}

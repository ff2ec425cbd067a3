// Shared by the messaging integration tests and the consumer process they spawn. No jest imports:
// the child process (consumer.process.ts) loads this file outside jest.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger, Module, type LogLevel, type Provider, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestMicroservice } from '@nestjs/common';
import { Kafka, logLevel, type Admin, type Consumer, type ConsumerConfig, type IHeaders, type Producer } from 'kafkajs';
import type { JSONSchema } from 'json-schema-to-ts';
import type { Collection as MongoCollection, Document } from 'mongodb';
import mongoose, { Schema, type Collection, type Connection, type Model } from 'mongoose';
import { defineEvent, eventHeaders, eventSource, type EventContract } from '@pb/contracts';
import { kafkaAuthOf } from '../kafka-auth.js';
import { KafkaClient } from '../kafka.client.js';
import { KafkaEventServer, type KafkaEventServerOptions } from '../kafka-event.server.js';
import type { MessagingOptions } from '../messaging.options.js';
import { OutboxRelay } from '../outbox-relay.js';
import { pendingEvent, withOutbox, type OutboxEvent } from '../outbox.js';
import { ProcessedEventLedger } from '../processed-events.js';

/**
 * The tier's own broker and store, set by its globalSetup (tools/jest/infra.setup.mjs, ADR 0015).
 * No default address: the usual ones are the platform's, which a test must never write into.
 */
function given(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(
      `${name} is not set: run this through npm test or tools/scripts/jest.mjs, whose globalSetup starts the tier's broker and store`,
    );
  return value;
}

export const env = {
  brokers: given('KAFKA_BROKERS').split(','),
  /** The tier's credentials (KAFKA_SASL_*: the local broker's super user, set by the tier's globalSetup). */
  auth: kafkaAuthOf(process.env),
  mongodbUri: given('MONGODB_URI'),
};

/** Test logs stay quiet unless TEST_LOGS=1 (warnings and errors are expected: outages, poison records). */
export const testLogLevels: LogLevel[] | false = process.env['TEST_LOGS'] === '1' ? ['log', 'warn', 'error'] : false;
Logger.overrideLogger(testLogLevels);

/** Unique per process: topics, groups and databases of one test file never meet another's. */
export function unique(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** One close() that runs `steps` one after the other. */
export function closeInOrder(...steps: (() => Promise<unknown>)[]): () => Promise<void> {
  return async () => {
    for (const step of steps) await step();
  };
}

/** Polls `probe` until it returns a value other than undefined/null/false, or fails after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs = 60_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: Error | undefined;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (err) {
      last = err instanceof Error ? err : new Error(String(err));
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${last.message})` : ''}`);
    await sleep(everyMs);
  }
}

/** defineEvent's key field of schema S (a field it requires). */
type KeyField<S> = S extends { readonly required: readonly (infer F)[] } ? Extract<F, string> : never;

/** A test-only event type `name` on `topic`, keyed by the school in `key`. */
export function testContract<const S extends JSONSchema & { readonly required: readonly ['key', ...string[]] }>(
  topic: string,
  name: string,
  description: string,
  key: string,
  schema: S,
) {
  return defineEvent({
    type: `cn.edu.partybuilding.test.delivery.${name}.v1`,
    topic,
    description: `Test only: ${description}`,
    producer: 'messaging tests',
    key: { field: 'key' as KeyField<S>, description: key },
    schema,
  });
}

/** A test event contract on its own topic: one state change of an aggregate of school `key`. */
export function stateChangedContract(topic: string) {
  return testContract(
    topic,
    'state-changed',
    'the n-th state change of school `key`, written in document `doc`.',
    'The school whose aggregate changed.',
    {
      type: 'object',
      additionalProperties: false,
      required: ['key', 'n', 'doc'],
      properties: {
        key: { type: 'string', minLength: 1 },
        n: { type: 'integer', minimum: 1 },
        doc: { type: 'string', minLength: 1 },
      },
    } as const,
  );
}
export type StateChangedContract = ReturnType<typeof stateChangedContract>;
export interface StateChanged {
  key: string;
  n: number;
  doc: string;
}

export function messagingOptions(extra: Partial<MessagingOptions> = {}): MessagingOptions {
  return { brokers: env.brokers, auth: env.auth, service: 'messaging-test', topicPartitions: 3, outboxPollMs: 200, ...extra };
}

export function rawKafka(clientId = 'messaging-test'): Kafka {
  return new Kafka({
    clientId,
    brokers: env.brokers,
    ...env.auth,
    logLevel: logLevel.NOTHING,
    retry: { retries: 20, initialRetryTime: 200, maxRetryTime: 2_000 },
  });
}

export async function connectStore(dbName: string): Promise<Connection> {
  return mongoose.createConnection(env.mongodbUri, { dbName, retryWrites: false, serverSelectionTimeoutMS: 10_000 }).asPromise();
}

/** Two kinds of aggregate of one school, in two collections: a key's events live in both. */
interface Aggregate {
  _id: string;
  lastN: number;
  outbox: OutboxEvent[];
}

export interface Aggregates {
  units: Model<Aggregate>;
  partyOrgs: Model<Aggregate>;
}

export function aggregateModels(connection: Connection): Aggregates {
  const schema = () => withOutbox(new Schema<Aggregate>({ _id: String, lastN: Number }, { versionKey: false }));
  return {
    units: connection.model<Aggregate>('TestUnit', schema(), 'units'),
    partyOrgs: connection.model<Aggregate>('TestPartyOrg', schema(), 'party_orgs'),
  };
}

/**
 * Writes the state changes of the tests the way a service does: the change and its event in one
 * single-document write, the event numbered in the service's sequence first. Change n of school k
 * goes to its unit document or its party organisation document in turn.
 */
export class StateWriter {
  private readonly counts = new Map<string, number>();
  written = 0;

  constructor(
    private readonly relay: OutboxRelay,
    private readonly aggregates: Aggregates,
    private readonly contract: StateChangedContract,
  ) {}

  async change(key: string): Promise<OutboxEvent> {
    const n = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, n);
    const inUnit = n % 2 === 1;
    const doc = inUnit ? key : `party-${key}`;
    const model = inUnit ? this.aggregates.units : this.aggregates.partyOrgs;
    const [event] = await this.relay.sequence(pendingEvent(this.contract, { key, data: { key, n, doc } }));
    await (model.collection as unknown as Collection<Aggregate>).updateOne(
      { _id: doc },
      { $set: { lastN: n }, $push: { outbox: event } },
      { upsert: true },
    );
    this.relay.nudge();
    this.written += 1;
    return event;
  }

  expected(): Map<string, number> {
    return new Map(this.counts);
  }
}

export interface ConsumerHarness {
  app: INestMicroservice;
  server: KafkaEventServer;
  client: KafkaClient;
  close(): Promise<void>;
}

/** A Nest microservice with the Kafka event transport and the given controllers (the consumer side of a service). */
export async function startConsumer(options: {
  groupId: string;
  connection: Connection;
  controllers: Type[];
  providers?: Provider[];
  contracts: readonly EventContract[];
  maxAttempts?: number;
  consumer?: Partial<ConsumerConfig>;
  messaging?: Partial<MessagingOptions>;
  server?: Partial<KafkaEventServerOptions>;
  /** The group's ledger; by default one on `connection`. */
  ledger?: ProcessedEventLedger;
}): Promise<ConsumerHarness> {
  const client = new KafkaClient(messagingOptions({ service: 'messaging-test-consumer', ...options.messaging }));
  const ledger = options.ledger ?? new ProcessedEventLedger(options.connection);
  const server = new KafkaEventServer(client, ledger, {
    groupId: options.groupId,
    maxAttempts: options.maxAttempts ?? 3,
    retryInitialDelayMs: 50,
    retryMaxDelayMs: 500,
    contracts: options.contracts,
    ...(options.consumer ? { consumer: options.consumer } : {}),
    ...options.server,
  });
  @Module({ controllers: options.controllers, providers: options.providers ?? [] })
  class TestConsumerModule {}
  const app = await NestFactory.createMicroservice(TestConsumerModule, { strategy: server, logger: testLogLevels, abortOnError: false });
  await app.listen();
  const close = closeInOrder(
    () => app.close(),
    () => client.onApplicationShutdown(),
  );
  return { app, server, client, close };
}

/** What consumer tests inject to record their handlers' effects (a collection `effects` in the test's database). */
export const EFFECTS = Symbol('EFFECTS');

export interface EffectsFixture<E extends Document> {
  connection: Connection;
  effects: MongoCollection<E>;
  consumer: ConsumerHarness;
  /** Stops the consumer and drops the test's database. */
  close(): Promise<void>;
}

/**
 * A consumer (startConsumer) on a database of its own, named after `name`, whose controllers get the
 * collection `effects` of that database as EFFECTS.
 */
export async function consumerWithEffects<E extends Document>(
  name: string,
  options: Omit<Parameters<typeof startConsumer>[0], 'connection' | 'providers'>,
): Promise<EffectsFixture<E>> {
  const connection = await connectStore(unique(name));
  const effects = connection.collection<E>('effects');
  const consumer = await startConsumer({ ...options, connection, providers: [{ provide: EFFECTS, useValue: effects }] });
  const close = closeInOrder(
    () => consumer.close(),
    () => connection.dropDatabase(),
    () => connection.close(),
  );
  return { connection, effects, consumer, close };
}

/** Whether the group's committed offsets have reached the end of each partition of `topic`. */
export async function caughtUp(admin: Admin, groupId: string, topic: string): Promise<boolean> {
  const ends = await admin.fetchTopicOffsets(topic);
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const at = new Map(committed?.partitions.map((p) => [p.partition, Number(p.offset)]) ?? []);
  return ends.every((e) => (at.get(e.partition) ?? -1) >= Number(e.high));
}

/** The producing side of a test: its own database, the two aggregate collections, a relay and a writer, and an admin client. */
export interface OutboxFixture {
  connection: Connection;
  aggregates: Aggregates;
  client: KafkaClient;
  relay: OutboxRelay;
  writer: StateWriter;
  admin: Admin;
  close(): Promise<void>;
}

export async function outboxFixture(options: { dbName: string; service: string; contract: StateChangedContract }): Promise<OutboxFixture> {
  const connection = await connectStore(options.dbName);
  const aggregates = aggregateModels(connection);
  await Promise.all([aggregates.units.init(), aggregates.partyOrgs.init()]);
  const client = new KafkaClient(messagingOptions({ service: options.service }));
  await client.ensureTopics([{ topic: options.contract.topic }]);
  const relay = testRelay(client, aggregates, { service: options.service });
  const admin = rawKafka().admin();
  await admin.connect();
  const close = closeInOrder(
    () => admin.disconnect(),
    () => relay.stop(),
    () => client.onApplicationShutdown(),
    () => connection.dropDatabase(),
    () => connection.close(),
  );
  return { connection, aggregates, client, relay, writer: new StateWriter(relay, aggregates, options.contract), admin, close };
}

/** Relay with a short lease and poll, for tests. */
export function testRelay(client: KafkaClient, aggregates: Aggregates, options: Partial<MessagingOptions> = {}): OutboxRelay {
  const relay = new OutboxRelay(client, messagingOptions({ outboxLeaseMs: 1_500, outboxPollMs: 100, ...options }));
  relay.register(aggregates.units);
  relay.register(aggregates.partyOrgs);
  return relay;
}

/** A record read back from a dead-letter topic. */
export interface DeadLetter {
  offset: string;
  headers: IHeaders;
  value: string;
}

/**
 * The two ends a dead-letter test needs: an idempotent producer for the source topic, and a reader
 * of `dlqTopic` from its start that collects into `deadLetters`. `close()` disconnects both.
 */
export async function deadLetterProbe(
  dlqTopic: string,
): Promise<{ producer: Producer; reader: Consumer; deadLetters: DeadLetter[]; close(): Promise<void> }> {
  const kafka = rawKafka();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const reader = kafka.consumer({ groupId: unique('dlq-probe'), maxWaitTimeInMs: 50 });
  await reader.connect();
  await reader.subscribe({ topic: dlqTopic, fromBeginning: true });
  const deadLetters: DeadLetter[] = [];
  await reader.run({
    eachMessage: ({ message }) => {
      deadLetters.push({ offset: message.offset, headers: message.headers ?? {}, value: message.value?.toString() ?? '' });
      return Promise.resolve();
    },
  });
  const close = closeInOrder(
    () => reader.disconnect(),
    () => producer.disconnect(),
  );
  return { producer, reader, deadLetters, close };
}

let recordSeq = 0;

/**
 * A CloudEvent record of school-1 as a producer would send it, built by hand so a test can also
 * send what no producer would: `value` replaces the JSON of `data`, `id` reuses an event's id (a re-send).
 */
export function testRecord(contract: EventContract, data: unknown, options: { id?: string; value?: string } = {}) {
  const id = options.id ?? `evt-${++recordSeq}`;
  const headers = eventHeaders(contract, { id, source: eventSource('test'), correlationId: `corr-${id}` });
  return { id, message: { key: 'school-1', value: options.value ?? JSON.stringify(data), headers } };
}

/** A header's text (the first value of a repeated header). */
export function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const v = headers?.[name];
  return v === undefined ? undefined : Array.isArray(v) ? v[0]?.toString() : v.toString();
}

/** The multi-document writes a fault can be injected into (`appliedInPart`). */
export type MultiDocumentWrite = 'updateMany' | 'insertMany' | 'bulkWrite';

/**
 * A collection whose next `times` calls of `method` do what MongoDB may do to one multi-document
 * statement that dies half-way (a primary step-down, a lost connection, a crash): the first `applied`
 * documents are written, each on its own, and the rest are not; then `then(fault)` runs (a test
 * stops the relay or consumer there, as a crash would) and the call throws. `updateMany` must name its
 * documents by `_id: {$in}` (as the outbox relay does). `faults` counts the injected failures.
 */
export function appliedInPart<C extends object>(
  collection: C,
  method: MultiDocumentWrite,
  options: { applied: number; times?: number; then?: (fault: number) => void },
): C & { readonly faults: number } {
  let faults = 0;
  const times = options.times ?? 1;
  return new Proxy(collection, {
    get(target, prop) {
      if (prop === 'faults') return faults;
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      const real = (value as (...args: unknown[]) => Promise<unknown>).bind(target);
      if (prop !== method) return real;
      return async (first: unknown, ...rest: unknown[]) => {
        if (faults >= times) return real(first, ...rest);
        faults += 1;
        let part: Promise<unknown>;
        if (method === 'updateMany') {
          const filter = first as { _id?: { $in?: unknown[] } };
          const ids = filter._id?.$in;
          if (!ids) throw new Error('appliedInPart: updateMany without _id: {$in}');
          part = real({ ...filter, _id: { $in: ids.slice(0, options.applied) } }, ...rest);
        } else {
          part = real((first as unknown[]).slice(0, options.applied), ...rest);
        }
        // What the first documents met (a duplicate of a retried insert) is not what the caller is told:
        // the statement failed, whatever became of its first documents.
        await part.catch(() => undefined);
        options.then?.(faults);
        throw new Error(`injected: the store applied ${options.applied} document(s) of one ${method}, then failed`);
      };
    },
  }) as C & { readonly faults: number };
}

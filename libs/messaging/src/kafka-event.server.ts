import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import { Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';
import type { Consumer, ConsumerConfig, EachBatchPayload, EachMessagePayload, IHeaders, KafkaMessage } from 'kafkajs';
import { deadLetterTopic, fromKafkaHeaders, type CloudEventAttributes, type EventContract } from '@pb/contracts';
import { CloudEventContext } from './cloud-event.context.js';
import { EventContractLookup } from './event-contracts.js';
import { whileTransient, type KafkaClient } from './kafka.client.js';
import { ON_EVENT_EXTRAS, type EventBatchItem, type OnEventExtras } from './on-event.decorator.js';
import type { ProcessedEventLedger } from './processed-events.js';
import { inConsumerSpan } from './tracing.js';

/** A record that can never succeed (not a CloudEvent, not JSON, breaks its schema): dead-lettered at once. */
export class PoisonRecord extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PoisonRecord';
  }
}

export interface KafkaEventServerOptions {
  groupId: string;
  /** Handler attempts before the record is dead-lettered (1 = no retry). */
  maxAttempts: number;
  /** First retry delay; doubles per attempt up to `retryMaxDelayMs`. Defaults 200 ms and 5 s. */
  retryInitialDelayMs?: number;
  retryMaxDelayMs?: number;
  /** Partitions processed at the same time (kafkajs `partitionsConsumedConcurrently`); order stays per partition. */
  concurrency?: number;
  /** Consumer settings over the client's defaults (session timeout, heartbeat interval...). */
  consumer?: Partial<ConsumerConfig>;
  /** Contracts known besides the platform registry (tests). */
  contracts?: readonly EventContract[];
}

/** Dead-letter headers added to the original record's headers. `dlq-attempts` is 0 for an invalid record. */
export const DLQ_HEADERS = {
  error: 'dlq-error',
  reason: 'dlq-reason',
  attempts: 'dlq-attempts',
  sourceTopic: 'dlq-source-topic',
  sourcePartition: 'dlq-source-partition',
  sourceOffset: 'dlq-source-offset',
  group: 'dlq-group',
  time: 'dlq-time',
} as const;

/** What the transport has done since it started (tests, metrics). */
export interface ConsumerStats {
  received: number;
  applied: number;
  duplicates: number;
  retries: number;
  deadLettered: number;
}

/**
 * The Kafka side of a hybrid service: a NestJS custom transport that dispatches CloudEvents by
 * `ce_type` to `@OnEvent(contract)` handlers. Each record is validated, applied at most once per
 * consumer group (ledger, or the handler's own idempotent write), retried with backoff while the
 * group coordinator keeps hearing from us, and dead-lettered when it keeps failing or is invalid,
 * so the partition keeps flowing.
 */
export class KafkaEventServer extends Server implements CustomTransportStrategy {
  protected override readonly logger = new Logger('KafkaEventServer');
  private consumer?: Consumer;
  private stopping = false;
  private readonly contracts: EventContractLookup;
  readonly stats: ConsumerStats = { received: 0, applied: 0, duplicates: 0, retries: 0, deadLettered: 0 };

  constructor(
    private readonly client: KafkaClient,
    private readonly ledger: ProcessedEventLedger,
    private readonly options: KafkaEventServerOptions,
  ) {
    super();
    this.contracts = new EventContractLookup(options.contracts);
  }

  on(): void {
    throw new Error('KafkaEventServer does not support event listeners');
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }

  /** Topics to subscribe to: those of the event types the service has handlers for. */
  topics(): string[] {
    const topics = new Set<string>();
    for (const pattern of this.getHandlers().keys()) {
      const contract = this.contracts.contractOf(pattern);
      if (!contract) throw new Error(`@OnEvent('${pattern}') names no event contract`);
      topics.add(contract.topic);
    }
    return [...topics];
  }

  async listen(callback: (err?: unknown) => void) {
    try {
      const topics = this.topics();
      if (topics.length > 0) {
        await this.client.ensureTopics([
          ...topics.map((topic) => ({ topic })),
          ...topics.map((topic) => ({ topic: deadLetterTopic(topic, this.options.groupId) })),
        ]);
        this.consumer = this.client.createConsumer({ ...this.options.consumer, groupId: this.options.groupId });
        await this.consumer.connect();
        // A topic another service created a moment ago may not have its leader known to every broker
        // yet ("does not host this topic-partition"): retriable, so wait and subscribe again.
        const consumer = this.consumer;
        await whileTransient(() => consumer.subscribe({ topics, fromBeginning: true }), 30_000);
        await this.consumer.run({
          partitionsConsumedConcurrently: this.options.concurrency ?? 1,
          // kafkajs commits at the end of each fetched batch (up to 1 MiB per partition): also every
          // second, so a crash hands the next owner at most about a second of records again.
          autoCommitInterval: 1_000,
          // Offsets are resolved record by record as each is done (or dead-lettered), never a whole
          // batch at once: a batch cut short by shutdown or a rebalance resumes at its first undone record.
          eachBatchAutoResolve: false,
          eachBatch: (payload) => this.handleBatch(payload),
        });
        this.logger.log(`group ${this.options.groupId} consuming ${topics.join(', ')}`);
      }
      callback();
    } catch (err) {
      callback(err);
    }
  }

  /** Leaves the consumer group after the in-flight records are done. */
  async close() {
    this.stopping = true;
    await this.consumer?.disconnect();
  }

  /**
   * One fetched batch of one partition, in offset order. Records of `@OnEventBatch` handlers are
   * collected into runs (consecutive records of one such handler, up to its `maxRecords`); every
   * other record goes through `handleRecord` alone, as before.
   */
  private async handleBatch(payload: EachBatchPayload) {
    const { batch } = payload;
    const heartbeat = () => payload.heartbeat();
    const pause = () => payload.pause();
    const going = () => payload.isRunning() && !payload.isStale();
    let run: { extras: OnEventExtras; records: EachMessagePayload[] } | undefined;
    const flush = async () => {
      if (!run) return;
      const { extras, records } = run;
      run = undefined;
      await this.handleRun(extras, records);
      payload.resolveOffset(records[records.length - 1].message.offset);
      await heartbeat();
    };
    for (const message of batch.messages) {
      if (!going()) break;
      const record: EachMessagePayload = { topic: batch.topic, partition: batch.partition, message, heartbeat, pause };
      const extras = this.batchExtrasOf(message);
      if (extras) {
        if (run && run.extras !== extras) await flush();
        run ??= { extras, records: [] };
        run.records.push(record);
        if (run.records.length >= extras.batch!.maxRecords) await flush();
        continue;
      }
      await flush();
      await this.handleRecord(record);
      payload.resolveOffset(message.offset);
      await heartbeat();
    }
    if (going()) await flush();
  }

  /** The `@OnEventBatch` settings of the handler of a record's type, if it has one. */
  private batchExtrasOf(message: KafkaMessage): OnEventExtras | undefined {
    const type = message.headers?.['ce_type']?.toString();
    if (!type) return undefined;
    const extras = this.getHandlerByPattern(type)?.extras?.[ON_EVENT_EXTRAS] as OnEventExtras | undefined;
    return extras?.batch ? extras : undefined;
  }

  /**
   * A run of records for one `@OnEventBatch` handler: each is checked as `handleRecord` checks it
   * (an invalid one is dead-lettered alone), those already in the ledger are dropped, the rest go to
   * the handler in one call, retried with backoff; then they are all recorded in the ledger. A run
   * that still fails after its attempts goes record by record, so only the failing one is dead-lettered.
   */
  private async handleRun(extras: OnEventExtras, records: EachMessagePayload[]) {
    this.stats.received += records.length;
    const valid: { payload: EachMessagePayload; handler: MessageHandler; item: EventBatchItem }[] = [];
    for (const payload of records) {
      const decoded = await this.decode(payload);
      if (decoded)
        valid.push({ payload, handler: decoded.handler, item: { data: decoded.data, event: decoded.attrs, record: decoded.position } });
    }
    // Already applied (the ledger), or a second copy within this run (a relay re-send): dropped.
    const seen = await this.ledger.seen(
      this.options.groupId,
      valid.map((v) => v.item.event.id),
    );
    const fresh = valid.filter(({ item }) => {
      if (seen.has(item.event.id)) return false;
      seen.add(item.event.id);
      return true;
    });
    this.stats.duplicates += valid.length - fresh.length;
    if (fresh.length === 0) return;
    const last = fresh[fresh.length - 1];
    const stopHeartbeats = this.keepAlive(last.payload);
    try {
      // One consumer span for the run: the records' trace as parent when they share one (docs/adr/0026).
      await inConsumerSpan(
        fresh.map((f) => f.item),
        this.options.groupId,
        async () => {
          const applied = await this.applyRunWithRetries(fresh, extras);
          if (!applied) {
            // The run keeps failing: one record at a time finds (and dead-letters) the culprit.
            for (const one of fresh) await this.applyRunWithRetries([one], extras, true);
          }
        },
      );
    } finally {
      stopHeartbeats();
    }
  }

  /** Calls a batch handler with `runs` items until it succeeds; false when it still fails (or, `single`, after dead-lettering). */
  private async applyRunWithRetries(
    run: { payload: EachMessagePayload; handler: MessageHandler; item: EventBatchItem }[],
    extras: OnEventExtras,
    single = false,
  ): Promise<boolean> {
    const last = run[run.length - 1];
    const maxAttempts = this.options.maxAttempts;
    for (let attempt = 1; ; attempt++) {
      try {
        const ctx = new CloudEventContext([last.item.event, last.item.record, attempt, () => last.payload.heartbeat()]);
        const result: unknown = await last.handler(
          run.map((r) => r.item),
          ctx,
        );
        if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
        await this.ledger.markAll(
          this.options.groupId,
          run.map((r) => ({ id: r.item.event.id, type: r.item.event.type })),
        );
        this.stats.applied += run.length;
        return true;
      } catch (err) {
        if (this.stopping && attempt < maxAttempts) throw err;
        if (attempt >= maxAttempts) {
          if (!single) return false;
          await this.deadLetter(last.payload, err, attempt);
          return true;
        }
        const delay = this.retryDelay(attempt);
        this.stats.retries += 1;
        this.logger.warn(
          `${run.length} ${extras.batch!.contracts.map((c) => c.type).join('/')} record(s) up to ${last.item.event.id}, attempt ${attempt} failed, retry in ${delay} ms: ${errorText(err)}`,
        );
        await sleep(delay);
      }
    }
  }

  /**
   * A record's CloudEvent attributes, its data checked against its contract, and its handler; null
   * for an event this service does not handle, or for a record that can never succeed (not a
   * CloudEvent, not JSON, breaks its schema), which is dead-lettered at once.
   */
  private async decode(payload: EachMessagePayload) {
    const { topic, partition, message } = payload;
    const position = { topic, partition, offset: message.offset, key: message.key?.toString('utf8') ?? null };
    try {
      const attrs = fromKafkaHeaders(message.headers);
      const handler = this.getHandlerByPattern(attrs.type);
      if (!handler) return null;
      let data: unknown;
      try {
        data = JSON.parse(message.value?.toString('utf8') ?? '');
      } catch {
        throw new PoisonRecord('value is not JSON');
      }
      const check = this.contracts.validate(attrs.type, data);
      if (!check.ok) throw new PoisonRecord(`schema: ${check.errors.join('; ')}`);
      return { attrs, data, handler, position };
    } catch (err) {
      await this.deadLetter(payload, err, 0);
      return null;
    }
  }

  private async handleRecord(payload: EachMessagePayload) {
    this.stats.received += 1;
    const decoded = await this.decode(payload);
    if (!decoded) return;
    const { attrs, data, handler, position } = decoded;
    const extras = handler.extras?.[ON_EVENT_EXTRAS] as OnEventExtras | undefined;
    const useLedger = (extras?.idempotency ?? 'ledger') === 'ledger';
    if (useLedger && (await this.ledger.has(this.options.groupId, attrs.id))) {
      this.stats.duplicates += 1;
      return;
    }
    const stopHeartbeats = this.keepAlive(payload);
    try {
      // The handler runs in a consumer span whose parent is the record's traceparent (docs/adr/0026).
      await inConsumerSpan([{ event: attrs, record: position }], this.options.groupId, () =>
        this.applyWithRetries(payload, handler, data, attrs, position, useLedger),
      );
    } finally {
      stopHeartbeats();
    }
  }

  private async applyWithRetries(
    payload: EachMessagePayload,
    handler: MessageHandler,
    data: unknown,
    attrs: CloudEventAttributes,
    position: CloudEventContext['record'],
    useLedger: boolean,
  ) {
    for (let attempt = 1; ; attempt++) {
      try {
        const ctx = new CloudEventContext([attrs, position, attempt, () => payload.heartbeat()]);
        // Nest wraps the handler (pipes, interceptors, exception filters): its errors arrive as a
        // rejected promise or an erroring Observable; @OnEvent's filter keeps the original error.
        const result: unknown = await handler(data, ctx);
        const value: unknown = isObservable(result) ? await lastValueFrom(result, { defaultValue: undefined }) : result;
        if (useLedger) await this.ledger.mark(this.options.groupId, attrs.id, attrs.type);
        if (value === 'duplicate') this.stats.duplicates += 1;
        else this.stats.applied += 1;
        return;
      } catch (err) {
        // Shutting down: leave the record uncommitted, the group's next owner gets it again.
        if (this.stopping && attempt < this.options.maxAttempts) throw err;
        if (attempt >= this.options.maxAttempts) {
          await this.deadLetter(payload, err, attempt);
          return;
        }
        const delay = this.retryDelay(attempt);
        this.stats.retries += 1;
        this.logger.warn(`${attrs.type} ${attrs.id} attempt ${attempt} failed, retry in ${delay} ms: ${errorText(err)}`);
        await sleep(delay);
      }
    }
  }

  /** The pause after a failed attempt: `retryInitialDelayMs` (200 ms) doubling up to `retryMaxDelayMs` (5 s). */
  private retryDelay(attempt: number): number {
    return Math.min((this.options.retryInitialDelayMs ?? 200) * 2 ** (attempt - 1), this.options.retryMaxDelayMs ?? 5_000);
  }

  /**
   * Heartbeats while a handler runs or waits to retry: kafkajs 2.2.4 only heartbeats between
   * records, so a handler (or its retries) longer than the session timeout would otherwise get the
   * consumer thrown out of the group and the record delivered twice.
   */
  private keepAlive(payload: EachMessagePayload): () => void {
    const every = Math.max(500, this.options.consumer?.heartbeatInterval ?? this.client.consumerDefaults.heartbeatInterval);
    const timer = setInterval(() => {
      // A rebalance surfaces on kafkajs' own heartbeat after the record; nothing to do here.
      payload.heartbeat().catch(() => undefined);
    }, every);
    timer.unref();
    return () => clearInterval(timer);
  }

  private async deadLetter(payload: EachMessagePayload, err: unknown, attempts: number) {
    const { topic, partition, message } = payload;
    const dlq = deadLetterTopic(topic, this.options.groupId);
    const headers: IHeaders = {
      ...message.headers,
      [DLQ_HEADERS.error]: errorText(err).slice(0, 4_000),
      [DLQ_HEADERS.reason]: attempts === 0 ? 'invalid-record' : 'handler-failed',
      [DLQ_HEADERS.attempts]: String(attempts),
      [DLQ_HEADERS.sourceTopic]: topic,
      [DLQ_HEADERS.sourcePartition]: String(partition),
      [DLQ_HEADERS.sourceOffset]: message.offset,
      [DLQ_HEADERS.group]: this.options.groupId,
      [DLQ_HEADERS.time]: new Date().toISOString(),
    };
    this.logger.error(`dead-lettered ${topic}/${partition}@${message.offset} to ${dlq} after ${attempts} attempt(s): ${errorText(err)}`);
    const producer = await this.client.getProducer();
    await producer.send({ topic: dlq, acks: -1, messages: [{ key: message.key, value: message.value, headers }] });
    this.stats.deadLettered += 1;
  }
}

function errorText(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  if (typeof err === 'object' && err !== null) return JSON.stringify(err);
  return String(err);
}

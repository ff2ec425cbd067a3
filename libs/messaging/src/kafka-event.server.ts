import { Logger } from '@nestjs/common';
import { Server, type CustomTransportStrategy } from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';
import type { Consumer, EachMessagePayload, IHeaders } from 'kafkajs';
import { contractOf, deadLetterTopic, fromKafkaHeaders, validateEventData, type CloudEventAttributes } from '@pb/contracts';
import { CloudEventContext } from './cloud-event.context.js';
import type { KafkaClient } from './kafka.client.js';
import type { ProcessedEventLedger } from './processed-events.js';

class PoisonRecord extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PoisonRecord';
  }
}

export interface KafkaEventServerOptions {
  groupId: string;
  maxAttempts: number;
}

/**
 * The Kafka side of a hybrid service: a NestJS custom transport that dispatches CloudEvents by
 * `ce_type` to `@EventPattern(<type>)` handlers. Each record is validated, applied at most once per
 * consumer group (ledger), retried with backoff, and dead-lettered when it keeps failing or is
 * invalid, so the partition keeps flowing.
 */
export class KafkaEventServer extends Server implements CustomTransportStrategy {
  protected override readonly logger = new Logger('KafkaEventServer');
  private consumer?: Consumer;
  private stopping = false;

  constructor(
    private readonly client: KafkaClient,
    private readonly ledger: ProcessedEventLedger,
    private readonly options: KafkaEventServerOptions,
  ) {
    super();
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
      const contract = contractOf(pattern);
      if (!contract) throw new Error(`@EventPattern('${pattern}') names no event contract`);
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
        this.consumer = this.client.createConsumer({ groupId: this.options.groupId });
        await this.consumer.connect();
        await this.consumer.subscribe({ topics, fromBeginning: true });
        await this.consumer.run({ eachMessage: (payload) => this.handleRecord(payload) });
        this.logger.log(`group ${this.options.groupId} consuming ${topics.join(', ')}`);
      }
      callback();
    } catch (err) {
      callback(err);
    }
  }

  /** Leaves the consumer group after the in-flight record is done. */
  async close() {
    this.stopping = true;
    await this.consumer?.disconnect();
  }

  private async handleRecord(payload: EachMessagePayload) {
    const { topic, partition, message } = payload;
    const position = { topic, partition, offset: message.offset, key: message.key?.toString('utf8') ?? null };
    let attrs: CloudEventAttributes;
    let data: unknown;
    try {
      attrs = fromKafkaHeaders(message.headers);
      if (!this.getHandlerByPattern(attrs.type)) return; // an event this service does not handle
      try {
        data = JSON.parse(message.value?.toString('utf8') ?? '');
      } catch {
        throw new PoisonRecord('value is not JSON');
      }
      const check = validateEventData(attrs.type, data);
      if (!check.ok) throw new PoisonRecord(`schema: ${check.errors.join('; ')}`);
    } catch (err) {
      await this.deadLetter(topic, partition, message, err, 0);
      return;
    }
    if (await this.ledger.has(this.options.groupId, attrs.id)) return;
    const handler = this.getHandlerByPattern(attrs.type)!;
    for (let attempt = 1; ; attempt++) {
      try {
        const ctx = new CloudEventContext([attrs, position, attempt]);
        const result: unknown = await handler(data, ctx);
        if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
        await this.ledger.mark(this.options.groupId, attrs.id, attrs.type);
        return;
      } catch (err) {
        if (attempt >= this.options.maxAttempts || this.stopping) {
          if (this.stopping && attempt < this.options.maxAttempts) throw err; // redelivered after restart
          await this.deadLetter(topic, partition, message, err, attempt);
          return;
        }
        const delay = Math.min(100 * 2 ** (attempt - 1), 5_000);
        this.logger.warn(`${attrs.type} ${attrs.id} attempt ${attempt} failed, retry in ${delay} ms: ${errorText(err)}`);
        await new Promise((r) => setTimeout(r, delay));
        await payload.heartbeat();
      }
    }
  }

  private async deadLetter(
    topic: string,
    partition: number,
    message: EachMessagePayload['message'],
    err: unknown,
    attempts: number,
  ) {
    const dlq = deadLetterTopic(topic, this.options.groupId);
    const headers: IHeaders = {
      ...message.headers,
      'dlq-error': errorText(err).slice(0, 4_000),
      'dlq-attempts': String(attempts),
      'dlq-source-topic': topic,
      'dlq-source-partition': String(partition),
      'dlq-source-offset': message.offset,
      'dlq-group': this.options.groupId,
      'dlq-time': new Date().toISOString(),
    };
    this.logger.error(`dead-lettered ${topic}/${partition}@${message.offset} to ${dlq}: ${errorText(err)}`);
    const producer = await this.client.getProducer();
    await producer.send({ topic: dlq, acks: -1, messages: [{ key: message.key, value: message.value, headers }] });
  }
}

function errorText(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  if (typeof err === 'object' && err !== null) return JSON.stringify(err);
  return String(err);
}

import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Collection } from 'mongodb';
import type { Message, TopicMessages } from 'kafkajs';
import { toKafkaHeaders } from '@pb/contracts';
import { KafkaClient } from './kafka.client.js';
import { MESSAGING_OPTIONS, ceSource, type MessagingOptions } from './messaging.options.js';
import type { OutboxEvent } from './outbox.js';

interface DocWithOutbox {
  _id: string;
  outbox: OutboxEvent[];
}

const BATCH_DOCS = 200;

/**
 * Publishes the events waiting in aggregate documents, then removes them from the outbox.
 * A crash between the two only re-sends (consumers are idempotent); a broker outage only delays.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('OutboxRelay');
  private readonly collections: Collection<DocWithOutbox>[] = [];
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private nudged = false;
  private published = 0;

  constructor(
    private readonly client: KafkaClient,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {}

  /** Registers a collection (a mongoose model's) whose documents carry an `outbox` array. */
  register(model: { collection: unknown }): void {
    const collection = model.collection as Collection<DocWithOutbox>;
    if (!this.collections.includes(collection)) this.collections.push(collection);
  }

  /** Called after a write that queued events: publish now instead of at the next poll. */
  nudge(): void {
    this.nudged = true;
    this.wake?.();
  }

  get publishedCount(): number {
    return this.published;
  }

  onApplicationBootstrap() {
    if (this.collections.length === 0) return;
    this.running = true;
    this.loop = this.run();
  }

  async beforeApplicationShutdown() {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  private async run() {
    let backoff = 250;
    while (this.running) {
      try {
        this.nudged = false;
        const sent = await this.drainOnce();
        backoff = 250;
        if (sent === 0 && !this.nudged) await this.idle(this.options.outboxPollMs ?? 1_000);
      } catch (err) {
        this.logger.warn(`publish failed, retrying in ${backoff} ms: ${err instanceof Error ? err.message : String(err)}`);
        await this.idle(backoff);
        backoff = Math.min(backoff * 2, 5_000);
      }
    }
  }

  private idle(ms: number) {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    });
  }

  /** One pass over every registered collection; returns the number of events published. */
  async drainOnce(): Promise<number> {
    let total = 0;
    for (const collection of this.collections) {
      // Raw driver reads: the entries come back exactly as stored, for the $pullAll below.
      const docs = await collection
        .find({ 'outbox.0': { $exists: true } }, { projection: { outbox: 1 }, limit: BATCH_DOCS })
        .toArray();
      if (docs.length === 0) continue;
      const byTopic = new Map<string, Message[]>();
      const source = ceSource(this.options.service);
      for (const doc of docs) {
        for (const e of doc.outbox) {
          const messages = byTopic.get(e.topic) ?? [];
          messages.push({
            key: e.key,
            value: JSON.stringify(e.data),
            headers: toKafkaHeaders({
              id: e.id,
              source,
              type: e.type,
              specversion: '1.0',
              time: new Date(e.time).toISOString(),
              ...(e.subject ? { subject: e.subject } : {}),
              dataschema: e.dataschema,
              datacontenttype: 'application/json',
              ...(e.correlationId ? { correlationId: e.correlationId } : {}),
              ...(e.traceparent ? { traceparent: e.traceparent } : {}),
            }),
          });
          byTopic.set(e.topic, messages);
        }
      }
      const topicMessages: TopicMessages[] = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
      await this.client.ensureTopics([...byTopic.keys()].map((topic) => ({ topic })));
      const producer = await this.client.getProducer();
      await producer.sendBatch({ topicMessages, acks: -1 });
      // $pullAll of the exact entries read: FerretDB 1.24 silently ignores a $pull with a condition,
      // and entries appended since the read stay queued.
      await collection.bulkWrite(
        docs.map((doc) => ({
          updateOne: { filter: { _id: doc._id }, update: { $pullAll: { outbox: doc.outbox } } },
        })),
        { ordered: false },
      );
      const count = docs.reduce((n, d) => n + d.outbox.length, 0);
      this.published += count;
      total += count;
    }
    return total;
  }
}

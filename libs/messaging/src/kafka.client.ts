import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { createRequire } from 'node:module';
import { Kafka, Partitioners, logLevel, type Admin, type Consumer, type ConsumerConfig, type Producer, type LogEntry } from 'kafkajs';
import { TopicInfo, Topics, type TopicKey } from '@pb/contracts';
import { MESSAGING_OPTIONS, type MessagingOptions } from './messaging.options.js';

/** The compacted state topics (the contracts say which): whoever creates one first creates it compacted. */
const COMPACTED = new Set((Object.keys(Topics) as TopicKey[]).filter((k) => TopicInfo[k].compacted).map((k) => Topics[k] as string));

/**
 * kafkajs 2.2.4 schedules `setTimeout(fn, throttledUntil - now)` with a negative delay when not
 * throttled; Node 24 warns on every process (TimeoutNegativeWarning). Clamp it to the interval the
 * library meant. Remove when the client is swapped (ARCHITECTURE.md §4).
 */
function patchKafkajsNegativeTimeout() {
  const require = createRequire(import.meta.url);
  const { prototype } = require('kafkajs/src/network/requestQueue/index.js') as {
    prototype: {
      scheduleCheckPendingRequests(): void;
      throttledUntil: number;
      pending: unknown[];
      throttleCheckTimeoutId: unknown;
      checkPendingRequests(): void;
    };
  };
  prototype.scheduleCheckPendingRequests = function (this: typeof prototype) {
    if (this.throttleCheckTimeoutId) return;
    const wait = this.throttledUntil - Date.now();
    this.throttleCheckTimeoutId = setTimeout(
      () => {
        this.throttleCheckTimeoutId = null;
        this.checkPendingRequests();
      },
      wait > 0 ? wait : 10,
    );
  };
}
patchKafkajsNegativeTimeout();

/**
 * The one place that knows kafkajs (ARCHITECTURE.md §4: kafkajs is unmaintained upstream, keep it
 * swappable). Settings are chosen for this workload, see docs/adr/0008-kafka-client-and-delivery-settings.md.
 */
@Injectable()
export class KafkaClient implements OnApplicationShutdown {
  private readonly logger = new Logger('Kafka');
  readonly kafka: Kafka;
  private producer?: Promise<Producer>;
  private admin?: Promise<Admin>;
  private readonly consumers = new Set<Consumer>();
  private readonly knownTopics = new Set<string>();

  constructor(@Inject(MESSAGING_OPTIONS) readonly options: MessagingOptions) {
    this.kafka = new Kafka({
      clientId: options.clientId ?? options.service,
      brokers: options.brokers,
      ...options.auth,
      connectionTimeout: 3_000,
      requestTimeout: 30_000,
      // Reconnect for ever with a capped backoff: a broker outage delays work, it never ends it.
      retry: { initialRetryTime: 250, maxRetryTime: 5_000, retries: 10_000, factor: 0.2, multiplier: 2 },
      logLevel: logLevel.WARN,
      logCreator: () => (entry: LogEntry) => this.log(entry),
    });
  }

  private log({ level, namespace, log }: LogEntry) {
    const { message, ...extra } = log;
    // kafkajs warns at every idempotent producer whose retries are bounded. Ours are (~33 s, past a
    // 30 s outage), and after a failed send the relay replaces the producer rather than reuse its
    // sequence numbers, which is what the warning is about.
    if (message.startsWith('Limiting retries for the idempotent producer')) return;
    const line = `${namespace}: ${message} ${JSON.stringify(extra)}`;
    if (level <= logLevel.ERROR) this.logger.error(line);
    else if (level === logLevel.WARN) this.logger.warn(line);
    else this.logger.debug(line);
  }

  /** Idempotent producer with acks from all in-sync replicas; one request in flight keeps key order. */
  getProducer(): Promise<Producer> {
    this.producer ??= (async () => {
      const producer = this.kafka.producer({
        idempotent: true,
        createPartitioner: Partitioners.DefaultPartitioner,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: true,
        retry: { initialRetryTime: 250, maxRetryTime: 5_000, retries: 10 },
      });
      await producer.connect();
      return producer;
    })();
    this.producer.catch(() => (this.producer = undefined));
    return this.producer;
  }

  /**
   * Drops the producer after a failed send: the next `getProducer()` connects a new one (new
   * producer id), so a batch that may have landed in part is re-sent whole rather than refused for
   * its old sequence numbers. Consumers drop the copies.
   */
  async resetProducer(): Promise<void> {
    const current = this.producer;
    this.producer = undefined;
    if (current) await current.then((p) => p.disconnect()).catch(() => undefined);
  }

  getAdmin(): Promise<Admin> {
    this.admin ??= (async () => {
      const admin = this.kafka.admin({ retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 1_000 } });
      await admin.connect();
      return admin;
    })();
    this.admin.catch(() => (this.admin = undefined));
    return this.admin;
  }

  /**
   * Creates the topics that do not exist yet (idempotent); compacted ones (said here, or a state topic of
   * the contracts, whichever service or test comes first) get `cleanup.policy=compact`.
   * On a fresh broker, services create the same topics at once and a topic created a moment ago is
   * briefly unknown to the broker's metadata ("This server does not host this topic-partition",
   * retriable): such answers are retried for up to `timeoutMs` instead of failing a service's start.
   */
  ensureTopics(topics: { topic: string; compacted?: boolean }[], timeoutMs = 60_000): Promise<void> {
    return whileTransient(() => this.createMissingTopics(topics), timeoutMs);
  }

  private async createMissingTopics(topics: { topic: string; compacted?: boolean }[]): Promise<void> {
    const missing = topics.filter((t) => !this.knownTopics.has(t.topic));
    if (missing.length === 0) return;
    const admin = await this.getAdmin();
    const existing = new Set(await admin.listTopics());
    const create = missing.filter((t) => !existing.has(t.topic));
    if (create.length > 0) {
      try {
        await admin.createTopics({
          waitForLeaders: true,
          topics: create.map((t) => ({
            topic: t.topic,
            numPartitions: this.options.topicPartitions ?? 3,
            replicationFactor: this.options.topicReplicationFactor ?? 1,
            ...((t.compacted ?? COMPACTED.has(t.topic)) ? { configEntries: [{ name: 'cleanup.policy', value: 'compact' }] } : {}),
          })),
        });
      } catch (err) {
        // Another replica created it first.
        if ((err as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS') throw err;
      }
    }
    for (const t of missing) this.knownTopics.add(t.topic);
  }

  /**
   * Consumer settings (docs/adr/0008): records reach handlers within ~50 ms of being written
   * (`maxWaitTimeInMs`); the coordinator drops a silent member after 30 s, and the transport
   * heartbeats every 3 s while a long handler runs; a rebalance waits up to 60 s for members
   * to finish their record; reconnecting never gives up during a broker outage.
   */
  readonly consumerDefaults = {
    sessionTimeout: 30_000,
    rebalanceTimeout: 60_000,
    heartbeatInterval: 3_000,
    maxWaitTimeInMs: 50,
    allowAutoTopicCreation: true,
    retry: { initialRetryTime: 250, maxRetryTime: 5_000, retries: 10_000 },
  } satisfies Partial<ConsumerConfig>;

  createConsumer(config: Partial<ConsumerConfig> & { groupId: string }): Consumer {
    const consumer = this.kafka.consumer({ ...this.consumerDefaults, ...config });
    this.consumers.add(consumer);
    return consumer;
  }

  async onApplicationShutdown() {
    const closing: Promise<unknown>[] = [];
    if (this.producer) closing.push(this.producer.then((p) => p.disconnect()).catch(() => undefined));
    if (this.admin) closing.push(this.admin.then((a) => a.disconnect()).catch(() => undefined));
    await Promise.all(closing);
  }
}

/** A Kafka error worth trying again: retriable, or kafkajs' own retries given up on a retriable cause. */
export function isTransient(err: unknown): boolean {
  const e = err as { retriable?: boolean; name?: string; cause?: { retriable?: boolean } } | undefined;
  return e?.retriable === true || (e?.name === 'KafkaJSNumberOfRetriesExceeded' && e.cause?.retriable !== false);
}

/**
 * Runs `work`, and again after a pause (200 ms doubling to 2 s) while it fails with a transient Kafka
 * error, for up to `timeoutMs`; any other error, or the last transient one, is thrown.
 */
export async function whileTransient<T>(work: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 200; ; delay = Math.min(delay * 2, 2_000)) {
    try {
      return await work();
    } catch (err) {
      if (!isTransient(err) || Date.now() + delay > deadline) throw err;
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

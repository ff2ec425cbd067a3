import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Collection } from 'mongodb';
import type { Message, TopicMessages } from 'kafkajs';
import { eventHeaders, eventSource } from '@pb/contracts';
import { KafkaClient } from './kafka.client.js';
import { MESSAGING_OPTIONS, type MessagingOptions } from './messaging.options.js';
import { Lease } from '@pb/persistence';
import { OldestPending, type PendingEntry } from './outbox-order.js';
import { PENDING_OUTBOX_FILTER, type OutboxEvent } from './outbox.js';

interface DocWithOutbox {
  /** Typed as a string for the driver's filter types; an ObjectId works the same (passed back as read). */
  _id: string;
  outbox?: OutboxEvent[];
}

interface SequenceDocument {
  _id: string;
  seq: number;
}

/** What a mongoose model gives the relay: its driver collection and its connection (the service's database). */
export interface OutboxModel {
  collection: unknown;
  db: { collection(name: string): unknown };
}

/** How the relay treats a registered collection. */
export interface OutboxCollectionOptions {
  /**
   * The documents exist only to carry events (an outbox collection of its own, such as the staged
   * batches' `outbox_batches`): a document whose entries were all published is deleted instead of
   * having them pulled, and nothing else may be appended to it after it became pending.
   */
  standalone?: boolean;
}

interface RegisteredCollection {
  collection: Collection<DocWithOutbox>;
  standalone: boolean;
}

/** Work the relay runs as the lease holder, before reading, at most once every `everyMs` (the staged batches' recovery). */
interface Sweep {
  name: string;
  everyMs: number;
  run: () => Promise<unknown>;
  lastAt: number;
}

const DEFAULT_POLL_MS = 1_000;
const DEFAULT_BUSY_POLL_MS = 100;
const BUSY_WINDOW_MS = 5_000;
const DEFAULT_LEASE_MS = 10_000;
const DEFAULT_BATCH = 2_000;
/**
 * What one read of the pending entries takes at most (UTF-8 bytes of their data). A read costs the
 * store about as much whatever it returns (FerretDB reads every pending document), so it takes a
 * good part of the backlog and the sends below split it.
 */
const MAX_READ_BYTES = 8 * 1024 * 1024;
/** Keeps each send's record batches well under the broker's `message.max.bytes` (1 MiB default). */
const MAX_SEND_BYTES = 512 * 1024;
/** Documents per `updateMany` that removes published entries (each compares its outbox with the chunk's entries). */
const PULLS_PER_COMMAND = 50;
const STOP_WAIT_MS = 5_000;
const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 2_000;

export const OUTBOX_SEQUENCES = 'outbox_sequences';

/**
 * Publishes the events waiting in aggregate documents (the transactional outbox without
 * transactions, ARCHITECTURE.md §4), then removes them from the documents with `$pullAll` of the
 * exact entries read. A crash between the two only re-sends (consumers are idempotent).
 *
 * - **One active relay per service.** Every replica runs a relay; the one holding the lease
 *   (`leases/outbox-relay:<service>`, renewed every third of its duration) publishes, the others poll the
 *   lease and take over when it expires or is released.
 * - **Write order per key, across documents and collections.** Each entry gets a number from the
 *   service's sequence (`outbox_sequences/<service>`, `$inc`) before it is written; the relay
 *   merges the pending entries of all registered collections, array order within a document and
 *   sequence order across documents (outbox-order.ts), and publishes the start of that merge. Nothing
 *   it leaves behind belongs before what it took. One producer with one request in flight keeps
 *   that order on each partition.
 * - **Broker outage.** Publishing fails, the relay backs off (≤ 2 s) and tries again with a fresh
 *   producer; writes keep succeeding because they only touch the store.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('OutboxRelay');
  private readonly collections: RegisteredCollection[] = [];
  private readonly sweeps: Sweep[] = [];
  private sequences?: Collection<SequenceDocument>;
  private lease?: Lease;
  private running = false;
  private loop?: Promise<void>;
  private renewTimer?: NodeJS.Timeout;
  private wake?: () => void;
  private nudged = false;
  private leader = false;
  private published = 0;
  private lastPublishedAt = 0;
  private failures = 0;
  /** How long the last read of the pending entries took the store (ms). */
  private lastReadMs = 0;
  /** Whether the last read found entries to publish: events are flowing, so read again once they are out. */
  private found = false;
  readonly holderId: string;

  constructor(
    private readonly client: KafkaClient,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {
    this.holderId = options.outboxRelayId ?? `${hostname()}/${process.pid}/${randomBytes(3).toString('hex')}`;
  }

  private get leaseMs() {
    return this.options.outboxLeaseMs ?? DEFAULT_LEASE_MS;
  }

  /**
   * Registers a collection (a mongoose model's) whose documents carry an `outbox` array. Every
   * collection of one relay lives in the service's own database, which also holds the lease and the
   * sequence.
   */
  register(model: OutboxModel, options: OutboxCollectionOptions = {}): void {
    const collection = model.collection as Collection<DocWithOutbox>;
    const known = this.collections.find((c) => c.collection === collection);
    if (known) {
      known.standalone ||= options.standalone === true;
      return;
    }
    this.collections.push({ collection, standalone: options.standalone === true });
    this.sequences ??= model.db.collection(OUTBOX_SEQUENCES) as Collection<SequenceDocument>;
    this.lease ??= new Lease(model.db, `outbox-relay:${this.options.service}`, this.leaseMs, { holder: this.holderId });
  }

  /**
   * Work to run by whichever replica publishes (the lease holder), before it reads the pending
   * entries: at once when it becomes the holder, then at most once every `everyMs`. A failure is
   * logged and tried again at the next turn. Registered once per name.
   */
  addSweep(name: string, everyMs: number, run: () => Promise<unknown>): void {
    if (this.sweeps.some((s) => s.name === name)) return;
    this.sweeps.push({ name, everyMs, run, lastAt: 0 });
  }

  private async sweep(): Promise<void> {
    for (const s of this.sweeps) {
      if (Date.now() - s.lastAt < s.everyMs) continue;
      s.lastAt = Date.now();
      try {
        await s.run();
      } catch (err) {
        this.logger.warn(`${s.name} failed, tried again in ${s.everyMs} ms: ${errorText(err)}`);
      }
    }
  }

  /**
   * Gives outbox entries their places in the service's sequence, in the order given. Call it before
   * the write that stores them: `const [e] = await relay.sequence(pendingEvent(...))`.
   */
  async sequence<E extends OutboxEvent>(...events: E[]): Promise<E[]> {
    if (!this.sequences) throw new Error('OutboxRelay.sequence() before register(): register the aggregate model first');
    if (events.length === 0) return events;
    const doc = await this.sequences.findOneAndUpdate(
      { _id: this.options.service },
      { $inc: { seq: events.length } },
      { upsert: true, returnDocument: 'after' },
    );
    const last = doc?.seq;
    if (typeof last !== 'number') throw new Error('outbox sequence: no value returned');
    events.forEach((e, i) => (e.seq = last - events.length + 1 + i));
    return events;
  }

  /** Called after a write that queued events: publish now instead of at the next poll. */
  nudge(): void {
    this.nudged = true;
    this.wake?.();
  }

  get publishedCount(): number {
    return this.published;
  }

  /** Failed attempts to publish (broker or store unavailable) since start. */
  get failureCount(): number {
    return this.failures;
  }

  /** Whether this relay holds the lease (is the one publishing) right now. */
  get isLeader(): boolean {
    return this.lease?.held ?? false;
  }

  onApplicationBootstrap() {
    this.start();
  }

  async beforeApplicationShutdown() {
    await this.stop();
  }

  /** Starts publishing (as leader) or polling the lease (as standby). No-op without collections. */
  start(): void {
    if (this.running || this.collections.length === 0) return;
    this.running = true;
    this.renewTimer = setInterval(() => void this.renew(), Math.max(100, Math.floor(this.leaseMs / 3)));
    this.renewTimer.unref();
    this.loop = this.run();
  }

  /**
   * Stops after the batch in flight. `release: false` leaves the lease to expire, as a crashed
   * replica would (tests use it to prove a standby takes over).
   */
  async stop({ release = true }: { release?: boolean } = {}): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearInterval(this.renewTimer);
    this.wake?.();
    // The batch in flight may wait on a broker outage for as long as the producer retries (~33 s):
    // shutdown does not. Whatever it published and did not remove is published again by the next holder.
    await Promise.race([this.loop, sleep(STOP_WAIT_MS, undefined, { ref: false })]);
    if (release) await this.lease?.release().catch(() => undefined);
    else this.lease?.forget();
    this.leader = false;
  }

  private async renew() {
    if (!this.running || !this.leader || !this.lease) return;
    try {
      if (!(await this.lease.acquire())) {
        this.leader = false;
        this.logger.warn(`lost the outbox lease of ${this.options.service} (${this.holderId})`);
      }
    } catch (err) {
      this.logger.warn(`cannot renew the outbox lease: ${errorText(err)}`);
    }
  }

  private async run() {
    let backoff = RETRY_MIN_MS;
    while (this.running) {
      try {
        if (!this.lease!.held) {
          this.leader = false;
          if (!(await this.lease!.acquire())) {
            await this.idle(Math.max(100, Math.floor(this.leaseMs / 3)));
            continue;
          }
          this.leader = true;
          for (const s of this.sweeps) s.lastAt = 0;
          const from = this.lease!.previousHolder;
          this.logger.log(`publishing the outbox of ${this.options.service} as ${this.holderId}${from ? ` (took over from ${from})` : ''}`);
        }
        // The store's time for the last read bounds how often the relay reads again (relayPause).
        const pause = relayPause(this.lastReadMs, 0, this.found);
        if (pause > 0) await sleep(pause, undefined, { ref: false });
        if (!this.running) break;
        this.nudged = false;
        await this.sweep();
        const sent = await this.drainOnce();
        backoff = RETRY_MIN_MS;
        if (sent > 0) this.lastPublishedAt = Date.now();
        if (sent === 0 && !this.nudged) await this.idle(relayPause(this.lastReadMs, this.pollInterval()));
      } catch (err) {
        this.failures += 1;
        this.logger.warn(`publish failed, retrying in ${backoff} ms: ${errorText(err)}`);
        await this.idle(backoff);
        backoff = Math.min(backoff * 2, RETRY_MAX_MS);
      }
    }
  }

  /**
   * Writes of this process nudge the relay; writes of the other replicas are only found by polling.
   * While events flow the relay polls every `outboxBusyPollMs` (100 ms), so they wait ~50 ms on
   * average; after `BUSY_WINDOW_MS` without any it falls back to `outboxPollMs` (1 s), so an idle
   * service does not scan its collections ten times a second (a full scan on FerretDB).
   */
  private pollInterval(): number {
    const busy = Date.now() - this.lastPublishedAt < BUSY_WINDOW_MS;
    return busy ? (this.options.outboxBusyPollMs ?? DEFAULT_BUSY_POLL_MS) : (this.options.outboxPollMs ?? DEFAULT_POLL_MS);
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

  /**
   * One batch: the start of the pending entries of every registered collection in order,
   * published, then pulled from their documents. Returns the number of events published (0 when this
   * relay does not hold the lease).
   */
  async drainOnce(): Promise<number> {
    if (!this.lease?.held) return 0;
    const batch = await this.readOldest();
    if (batch.length === 0) return 0;
    const source = eventSource(this.options.service);
    const sends = sendsOf(
      batch.map(({ entry }) => recordOf(entry, source)),
      MAX_SEND_BYTES,
    );
    await this.client.ensureTopics([...new Set(batch.map(({ entry }) => entry.topic))].map((topic) => ({ topic })));
    // Lost the lease while reading (a stall longer than the lease): the new holder publishes these.
    if (!this.lease.held) return 0;
    try {
      const producer = await this.client.getProducer();
      // One after the other, in the batch's order: each key's events stay in order across sends.
      for (const topicMessages of sends) await producer.sendBatch({ topicMessages, acks: -1 });
    } catch (err) {
      // A failed send may have landed in part: a fresh producer (new producer id) re-sends the
      // batch whole instead of tripping over its old sequence numbers. Consumers drop the copies.
      await this.client.resetProducer();
      throw err;
    }
    await this.markPublished(batch);
    this.published += batch.length;
    return batch.length;
  }

  /** The next batch: the start of the pending entries of every registered collection in order (outbox-order.ts). */
  private async readOldest(): Promise<PendingEntry[]> {
    const started = performance.now();
    try {
      return await this.readPending();
    } finally {
      this.lastReadMs = performance.now() - started;
    }
  }

  private async readPending(): Promise<PendingEntry[]> {
    const pending = new OldestPending(this.options.outboxBatchSize ?? DEFAULT_BATCH, MAX_READ_BYTES);
    let order = 0;
    for (const [index, { collection }] of this.collections.entries()) {
      // Raw driver reads: the entries come back exactly as stored, for the $pullAll afterwards.
      const cursor = collection.find(PENDING_OUTBOX_FILTER, { projection: { outbox: 1 } });
      for await (const doc of cursor) {
        const entries = doc.outbox ?? [];
        pending.add(
          entries.map((entry) => ({
            entry,
            collection: index,
            docId: doc._id,
            docEntries: entries.length,
            seq: entry.seq ?? -1,
            order: order++,
            bytes: Buffer.byteLength(JSON.stringify(entry.data)),
          })),
        );
        if (pending.settled) break;
      }
      if (pending.settled) break;
    }
    const batch = pending.take();
    this.found = batch.length > 0;
    return batch;
  }

  /**
   * Removes published entries from their documents: per chunk of documents, one `updateMany` by
   * `_id: {$in}` with `$pullAll` of every entry the chunk published. Event ids are unique, so each
   * document loses exactly its own published entries, and entries appended since the read stay
   * (`$pullAll` of the exact entries: FerretDB 1.24 silently ignores a `$pull` with a condition).
   * One statement per chunk, for the local store's sake (one transaction instead of one per document,
   * ADR 0003). Nothing relies on it being all-or-nothing: MongoDB may apply it to the first documents
   * only and fail, and the entries left are published again as copies consumers drop (ADR 0011).
   * A document of a standalone collection whose entries were all published is deleted instead (one
   * `deleteMany` per chunk): nothing is appended to such a document once it is pending.
   */
  protected async markPublished(batch: PendingEntry[]): Promise<void> {
    const byDoc = new Map<number, Map<string, OutboxEvent[]>>();
    const whole = new Map<number, Set<string>>();
    for (const p of batch) {
      const docs = byDoc.get(p.collection) ?? new Map<string, OutboxEvent[]>();
      const entries = docs.get(p.docId) ?? [];
      entries.push(p.entry);
      docs.set(p.docId, entries);
      byDoc.set(p.collection, docs);
      if (this.collections[p.collection].standalone && entries.length === p.docEntries) {
        whole.set(p.collection, (whole.get(p.collection) ?? new Set()).add(p.docId));
      }
    }
    for (const [index, docs] of byDoc) {
      const { collection } = this.collections[index];
      const deleted = [...(whole.get(index) ?? [])];
      for (let i = 0; i < deleted.length; i += PULLS_PER_COMMAND) {
        await collection.deleteMany({ _id: { $in: deleted.slice(i, i + PULLS_PER_COMMAND) } });
      }
      const ids = [...docs.keys()].filter((id) => !whole.get(index)?.has(id));
      for (let i = 0; i < ids.length; i += PULLS_PER_COMMAND) {
        const chunk = ids.slice(i, i + PULLS_PER_COMMAND);
        await collection.updateMany({ _id: { $in: chunk } }, { $pullAll: { outbox: chunk.flatMap((id) => docs.get(id)!) } });
      }
    }
  }
}

/** An idle relay waits at least this many times its last read before reading again. */
export const IDLE_READS_APART = 10;
/** The longest an idle relay waits because its reads are slow (other replicas' writes wait that long). */
export const MAX_IDLE_PAUSE_MS = 30_000;

/**
 * How long the relay waits before its next read of the pending entries, from what the last one cost
 * the store. Each read looks at every document with pending events: on MongoDB the multikey index
 * on `outbox.id` answers it in a millisecond or two and this changes nothing; the local FerretDB
 * decodes every such document, and read after empty read would keep the store busy and slow every
 * write. So:
 * - before a read (`wanted` 0) that follows one which found entries (`found`), none: publishing and
 *   removing them already spaced the reads, and the events written meanwhile are waiting; a pause
 *   there let a deadline burst outrun the relay (measurements: ADR 0008, "Reads paced by their cost");
 * - before a read that follows an empty one, as long as that read took: nudges by this process's
 *   writes cannot make reading more than half the store's time;
 * - an idle relay (`wanted` = its poll interval) waits `IDLE_READS_APART` times its last read, up to
 *   `MAX_IDLE_PAUSE_MS`; a nudge still wakes it at once.
 */
export function relayPause(lastReadMs: number, wanted: number, found = false): number {
  if (wanted === 0) return found ? 0 : Math.round(lastReadMs);
  return Math.round(Math.max(wanted, Math.min(lastReadMs * IDLE_READS_APART, MAX_IDLE_PAUSE_MS)));
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The Kafka record of an outbox entry: its data as the value, keyed by its org unit, with the CloudEvents
 * headers, the correlation id and the W3C trace context the entry kept from the write (docs/adr/0026).
 */
export function recordOf(e: OutboxEvent, source: string): { topic: string; message: Message } {
  return {
    topic: e.topic,
    message: {
      key: e.key,
      value: JSON.stringify(e.data),
      headers: eventHeaders(e, {
        id: e.id,
        source,
        time: new Date(e.time).toISOString(),
        subject: e.subject,
        correlationId: e.correlationId,
        traceparent: e.traceparent,
        tracestate: e.tracestate,
      }),
    },
  };
}

/**
 * Splits messages, in order, into sends of at most `maxBytes` (key, value and headers; at least one
 * message each), each grouped by topic as `sendBatch` takes them.
 */
export function sendsOf(messages: { topic: string; message: Message }[], maxBytes: number): TopicMessages[][] {
  const sends: TopicMessages[][] = [];
  let byTopic = new Map<string, Message[]>();
  let bytes = 0;
  const flush = () => {
    if (byTopic.size > 0) sends.push([...byTopic].map(([topic, list]) => ({ topic, messages: list })));
    byTopic = new Map();
    bytes = 0;
  };
  for (const { topic, message } of messages) {
    const size = messageBytes(message);
    if (bytes > 0 && bytes + size > maxBytes) flush();
    const list = byTopic.get(topic) ?? [];
    list.push(message);
    byTopic.set(topic, list);
    bytes += size;
  }
  flush();
  return sends;
}

function messageBytes(m: Message): number {
  let n = Buffer.byteLength(String(m.key ?? '')) + Buffer.byteLength(typeof m.value === 'string' ? m.value : (m.value ?? ''));
  for (const [k, v] of Object.entries(m.headers ?? {})) n += Buffer.byteLength(k) + Buffer.byteLength(String(v ?? ''));
  return n;
}

import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Collection, UpdateFilter } from 'mongodb';
import type { DocumentSchema } from '@pb/persistence';
import { MESSAGING_OPTIONS, type MessagingOptions } from './messaging.options.js';
import { OutboxRelay, type OutboxModel } from './outbox-relay.js';
import type { OutboxEvent } from './outbox.js';

/** The service's collection of staged batches: documents that carry the events of many aggregate writes. */
export const OUTBOX_BATCHES = 'outbox_batches';

/**
 * The field of an aggregate document that names the batches whose write landed on it (`withOutboxBatches`).
 * A write of batch B adds `B`; recovery adds `!B` where B's write had not landed, which keeps it out for good.
 */
export const OUTBOX_BATCHES_FIELD = 'outboxBatches';

/**
 * How long a batch stays staged before the relay's holder recovers it (its process is taken to have
 * stopped; `outboxBatchRecoveryMs`). Only speed depends on it: recovering a batch whose process is alive
 * fences its late writes off, and that process writes those enrolments again alone.
 */
export const STAGED_BATCH_RECOVERY_MS = 60_000;
/** How often the relay's holder looks for staged batches to recover. */
const RECOVERY_EVERY_MS = 10_000;
/** Documents per fence or read command of a recovery. */
const IDS_PER_COMMAND = 500;

const fence = (batchId: string) => `!${batchId}`;

/** One write of a batch: the aggregate it changes and the events that write publishes. */
export interface StagedWrite {
  id: string;
  events: OutboxEvent[];
}

interface BatchDocument {
  _id: string;
  /** The aggregates' collection (the service's database). */
  collection: string;
  stagedAt: Date;
  /** The aggregate of each staged event, in the same order. */
  refs?: string[];
  /** The events until the batch is committed: not pending, the relay does not read them. */
  staged?: OutboxEvent[];
  /** The events of the writes that landed, once committed: pending, published and then deleted by the relay. */
  outbox?: OutboxEvent[];
}

/** The field of an aggregate whose writes may be batched (`withOutboxBatches`). */
export interface BatchedAggregate {
  outboxBatches?: string[];
}

interface MarkedAggregate extends BatchedAggregate {
  _id: string;
}

/**
 * Adds the field a batched aggregate keeps the ids of its batches in (`OUTBOX_BATCHES_FIELD`). No
 * default: a document never written by a batch does not carry it.
 */
export function withOutboxBatches<D>(schema: DocumentSchema<D>): DocumentSchema<D & BatchedAggregate> {
  schema.add({ [OUTBOX_BATCHES_FIELD]: { type: [String], default: undefined } });
  return schema as DocumentSchema<D & BatchedAggregate>;
}

/**
 * The events of many aggregate writes kept in one outbox document (docs/adr/0020), so that each
 * aggregate is written once (its state and a batch mark) instead of twice (its state with the events,
 * then the relay's removal of them):
 *
 * 1. `stage`: the events take their places in the service's sequence and are inserted in one
 *    document of `outbox_batches`, staged (not pending: the relay does not see them).
 * 2. Each aggregate write adds `batch.guard()` to its filter (the batch was not fenced off it) and
 *    `batch.marks(current)` to its `$set` (the batch's id on the aggregate, `OUTBOX_BATCHES_FIELD`).
 * 3. `batch.commit(landed)`: the events of the writes that landed become the document's pending
 *    `outbox` (a rename when all landed), in one write guarded on the document still being staged.
 *    The relay publishes them once and deletes the document.
 *
 * A process that stops between 1 and 3 leaves the batch staged. The relay's holder recovers it once
 * it is `STAGED_BATCH_RECOVERY_MS` old: it fences the batch off every aggregate that does not carry its
 * id (`!id` added, so a write of the batch still on its way can no longer land), reads which ones
 * carry it, and commits exactly their events. Per aggregate either the write or the fence comes
 * first, so an event is published if and only if its write landed, whenever the recovery runs; a
 * batch's own commit and a recovery are guarded on the document being staged, so one of them wins.
 */
@Injectable()
export class OutboxBatches {
  private readonly logger = new Logger('OutboxBatches');
  private batches?: Collection<BatchDocument>;
  private db?: OutboxModel['db'];

  constructor(
    private readonly relay: OutboxRelay,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {}

  /**
   * Registers the service's `outbox_batches` with the relay (a standalone outbox) and the recovery of
   * abandoned batches as the relay's sweep. Call it with a batched aggregate's model at module init.
   */
  register(model: OutboxModel): void {
    if (this.batches) return;
    this.db = model.db;
    this.batches = model.db.collection(OUTBOX_BATCHES) as Collection<BatchDocument>;
    // Serves: the relay's read of pending entries (PENDING_OUTBOX_FILTER), which leaves staged batches (no `outbox` yet) unread.
    this.batches
      .createIndex({ 'outbox.id': 1 })
      .catch((err: unknown) => this.logger.warn(`cannot index ${OUTBOX_BATCHES}: ${String(err)}`));
    this.relay.register({ collection: this.batches, db: model.db }, { standalone: true });
    const age = this.options.outboxBatchRecoveryMs ?? STAGED_BATCH_RECOVERY_MS;
    this.relay.addSweep('staged outbox batches', Math.min(RECOVERY_EVERY_MS, age), () => this.recoverStaged());
  }

  /** Stages the events of a batch of writes to the aggregates of `model`'s collection. */
  async stage(model: OutboxModel, writes: readonly StagedWrite[]): Promise<StagedBatch> {
    this.register(model);
    const collection = model.collection as Collection<MarkedAggregate>;
    const events = writes.flatMap((w) => w.events);
    await this.relay.sequence(...events);
    const id = randomUUID();
    await this.batches!.insertOne({
      _id: id,
      collection: collection.collectionName,
      stagedAt: new Date(),
      refs: writes.flatMap((w) => w.events.map(() => w.id)),
      staged: events,
    });
    return new StagedBatch(id, this.batches!, collection, writes);
  }

  /**
   * Recovers the batches staged longer than `olderThanMs` (their processes stopped between their writes
   * and their commit): each one's events are published for the writes that landed, and only those.
   * Returns how many batches it committed or dropped. The relay's holder runs it every 10 s (or every
   * `outboxBatchRecoveryMs` when shorter).
   */
  async recoverStaged(olderThanMs = this.options.outboxBatchRecoveryMs ?? STAGED_BATCH_RECOVERY_MS): Promise<number> {
    if (!this.batches || !this.db) return 0;
    const abandoned = await this.batches
      .find({ staged: { $exists: true }, stagedAt: { $lt: new Date(Date.now() - olderThanMs) } })
      .toArray();
    let recovered = 0;
    for (const doc of abandoned) {
      const aggregates = this.db.collection(doc.collection) as Collection<MarkedAggregate>;
      const ids = [...new Set(doc.refs ?? [])];
      const landed = new Set<string>();
      for (let i = 0; i < ids.length; i += IDS_PER_COMMAND) {
        const chunk = ids.slice(i, i + IDS_PER_COMMAND);
        // Fenced where the batch's write has not landed: from here on it cannot.
        await aggregates.updateMany(
          { _id: { $in: chunk }, [OUTBOX_BATCHES_FIELD]: { $ne: doc._id } },
          { $push: { [OUTBOX_BATCHES_FIELD]: fence(doc._id) } },
        );
        const marked = await aggregates
          .find({ _id: { $in: chunk }, [OUTBOX_BATCHES_FIELD]: doc._id }, { projection: { _id: 1 } })
          .toArray();
        for (const m of marked) landed.add(m._id);
      }
      if (await commitBatch(this.batches, doc, landed)) {
        recovered += 1;
        this.logger.warn(
          `recovered staged outbox batch ${doc._id} of ${doc.collection}: ${landed.size} of ${ids.length} writes had landed, their events published`,
        );
      }
    }
    if (recovered > 0) this.relay.nudge();
    return recovered;
  }
}

/** A staged batch: what its writes add to their filter and update, and its commit. */
export class StagedBatch {
  constructor(
    readonly id: string,
    private readonly batches: Collection<BatchDocument>,
    private readonly aggregates: Collection<MarkedAggregate>,
    readonly writes: readonly StagedWrite[],
  ) {}

  /** Added to each write's filter: the batch was not fenced off the aggregate by a recovery. */
  guard(): Record<string, unknown> {
    return { [OUTBOX_BATCHES_FIELD]: { $ne: fence(this.id) } };
  }

  /**
   * Added to each write's `$set`: the aggregate's batch ids, this one's added, those of batches no longer
   * staged dropped (`stillStaged`). The write must be a compare-and-set on what `current` was read as.
   */
  marks(current: BatchedAggregate, stillStaged: ReadonlySet<string>): Record<string, string[]> {
    const kept = (current.outboxBatches ?? []).filter((b) => stillStaged.has(b));
    return { [OUTBOX_BATCHES_FIELD]: [...kept, this.id] };
  }

  /**
   * Of the batch ids the aggregates about to be written carry, those whose batches are still staged
   * (a recovery still needs their marks); the others are dropped by the writes (`marks`).
   */
  async stillStaged(current: readonly BatchedAggregate[]): Promise<Set<string>> {
    const ids = [...new Set(current.flatMap((c) => c.outboxBatches ?? []).filter((b) => !b.startsWith('!')))];
    if (ids.length === 0) return new Set();
    const staged = await this.batches.find({ _id: { $in: ids }, staged: { $exists: true } }, { projection: { _id: 1 } }).toArray();
    return new Set(staged.map((d) => d._id));
  }

  /** Which of `ids` this batch's write landed on (read back when a bulk write matched fewer than it sent). */
  async landedOn(ids: readonly string[]): Promise<Set<string>> {
    const found = await this.aggregates
      .find({ _id: { $in: [...ids] }, [OUTBOX_BATCHES_FIELD]: this.id }, { projection: { _id: 1 } })
      .toArray();
    return new Set(found.map((d) => d._id));
  }

  /**
   * Makes the events of the writes that landed pending (published by the relay), or drops the batch
   * when none did. Nothing happens when a recovery committed it first (it decided from the same marks).
   */
  async commit(landed: ReadonlySet<string>): Promise<void> {
    await commitBatch(
      this.batches,
      {
        _id: this.id,
        refs: this.writes.flatMap((w) => w.events.map(() => w.id)),
        staged: this.writes.flatMap((w) => w.events),
      },
      landed,
    );
  }
}

/** The commit of a staged batch, guarded on it being staged still: whether this call committed it. */
async function commitBatch(
  batches: Collection<BatchDocument>,
  doc: Pick<BatchDocument, '_id' | 'refs' | 'staged'>,
  landed: ReadonlySet<string>,
): Promise<boolean> {
  const refs = doc.refs ?? [];
  const staged = doc.staged ?? [];
  const filter = { _id: doc._id, staged: { $exists: true } };
  const kept = staged.filter((_, i) => landed.has(refs[i]));
  if (kept.length === 0) return (await batches.deleteOne(filter)).deletedCount === 1;
  const update: UpdateFilter<BatchDocument> =
    kept.length === staged.length
      ? { $rename: { staged: 'outbox' }, $unset: { refs: 1 } }
      : { $set: { outbox: kept }, $unset: { staged: 1, refs: 1 } };
  return (await batches.updateOne(filter, update)).matchedCount === 1;
}

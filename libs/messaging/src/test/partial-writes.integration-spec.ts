import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Inject } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { AnyBulkWriteOperation, Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { CloudEventContext } from '../cloud-event.context.js';
import { applyOnce } from '../idempotent-effects.js';
import { OnEvent, OnEventBatch, type EventBatchItem } from '../on-event.decorator.js';
import { OutboxRelay } from '../outbox-relay.js';
import { ProcessedEventLedger } from '../processed-events.js';
import {
  appliedInPart,
  caughtUp,
  eventually,
  messagingOptions,
  outboxFixture,
  startConsumer,
  stateChangedContract,
  testRelay,
  unique,
  type ConsumerHarness,
  type OutboxFixture,
  type StateChanged,
} from './support.js';

// The local store applies one update statement's documents in one SQLite transaction; MongoDB applies
// them one by one, and a statement that fails (or a process that dies) half-way leaves the first ones
// written. These tests inject exactly that at the driver call of the outbox relay (updateMany of
// $pullAll), of the ledger (insertMany) and of a batch handler's effect (bulkWrite), then let the relay
// or consumer fail over or restart: no event is lost, re-sends are duplicates the consumers drop, and
// every effect applies once (docs/adr/0011-store-conformance.md).
const topic = unique('test.partial');
const StateChangedV1 = stateChangedContract(topic);
const KEYS = 60;
const TOTAL = KEYS * 2; // each key: change 1 in its unit document, change 2 in its party organisation document

interface Tally {
  _id: string;
  count: number;
  ns: number[];
}

const TALLIES = Symbol('TALLIES');
const BATCH_TALLIES = Symbol('BATCH_TALLIES');

/** An idempotent consumer of the relay's output: the effect and its mark in one write (applyOnce). */
@Controller()
class TallyConsumer {
  constructor(@Inject(TALLIES) private readonly tallies: Collection<{ _id: string }>) {}

  @OnEvent(StateChangedV1, { idempotency: 'effect' })
  onStateChanged(@Payload() data: StateChanged, @Ctx() ctx: CloudEventContext) {
    return applyOnce(this.tallies, { _id: data.key, eventId: ctx.event.id, update: { $inc: { count: 1 }, $push: { ns: data.n } } });
  }
}

interface BatchTally extends Tally {
  applied: Record<string, number>;
}

/**
 * A batch handler as `@OnEventBatch` asks for (and ComplianceService.countRun does): one write per key,
 * each keeping the last offset it applied per partition, so a run handed over again adds nothing twice.
 */
@Controller()
class BatchTallyConsumer {
  constructor(@Inject(BATCH_TALLIES) private readonly tallies: Collection<BatchTally>) {}

  @OnEventBatch([StateChangedV1])
  async onRun(@Payload() items: EventBatchItem<StateChanged>[]) {
    const byKey = new Map<string, EventBatchItem<StateChanged>[]>();
    for (const item of items) byKey.set(item.data.key, [...(byKey.get(item.data.key) ?? []), item]);
    const docs = await this.tallies.find({ _id: { $in: [...byKey.keys()] } }).toArray();
    const applied = new Map(docs.map((d) => [d._id, d.applied]));
    const writes: AnyBulkWriteOperation<BatchTally>[] = [];
    for (const [key, run] of byKey) {
      const p = `p${run[0].record.partition}`;
      const last = applied.get(key)?.[p];
      const todo = run.filter((i) => last === undefined || Number(i.record.offset) > last);
      if (todo.length === 0) continue;
      writes.push({
        updateOne: {
          filter: { _id: key, [`applied.${p}`]: last === undefined ? { $exists: false } : last },
          update: {
            $inc: { count: todo.length },
            $push: { ns: { $each: todo.map((i) => i.data.n) } },
            $set: { [`applied.${p}`]: Number(todo[todo.length - 1].record.offset) },
          },
          upsert: true,
        },
      });
    }
    if (writes.length > 0) await this.tallies.bulkWrite(writes, { ordered: false });
  }
}

describe('a multi-document write applied in part, then failing or crashing: relay and consumers lose nothing and apply once', () => {
  let fx: OutboxFixture;

  const expectOncePerKey = async <T extends Tally>(collection: Collection<T>) => {
    const all = await collection.find().toArray();
    expect(all).toHaveLength(KEYS);
    for (const t of all) expect({ key: t._id, count: t.count, ns: t.ns }).toEqual({ key: t._id, count: 2, ns: [1, 2] });
  };

  beforeAll(async () => {
    fx = await outboxFixture({ dbName: unique('partial'), service: 'partial-test', contract: StateChangedV1 });
  });
  afterAll(async () => {
    await fx.close();
  });

  it('relay: its updateMany removes the published entries of part of the documents, fails; then again and the relay dies; the standby finishes', async () => {
    // The events are all waiting before the relay starts: its first batch holds them all, and the
    // units' chunk of 50 documents is the statement applied in part (20 of 50), twice.
    for (let i = 0; i < TOTAL; i++) await fx.writer.change(`school-${i % KEYS}`);
    const client = fx.client;
    const relayA = new OutboxRelay(
      client,
      messagingOptions({ service: 'partial-test', outboxLeaseMs: 1_500, outboxPollMs: 100, outboxRelayId: 'a' }),
    );
    const units = appliedInPart(fx.aggregates.units.collection, 'updateMany', {
      applied: 20,
      times: 2,
      // The second fault: the process dies there (the lease is left to expire).
      then: (fault) => void (fault === 2 && relayA.stop({ release: false })),
    });
    relayA.register({ collection: units, db: fx.connection });
    relayA.register(fx.aggregates.partyOrgs);
    const relayB = testRelay(client, fx.aggregates, { service: 'partial-test', outboxRelayId: 'b' });
    const tallies = fx.connection.collection<Tally>('tallies');
    const groupId = unique('partial-tally');
    const consumer = await startConsumer({
      groupId,
      connection: fx.connection,
      controllers: [TallyConsumer],
      providers: [{ provide: TALLIES, useValue: tallies }],
      contracts: [StateChangedV1],
    });
    try {
      relayA.start();
      await eventually('relay A to hold the lease', () => Promise.resolve(relayA.isLeader), 10_000);
      relayB.start();
      await eventually('the second injected fault', () => Promise.resolve(units.faults === 2), 60_000);
      expect(relayA.failureCount).toBeGreaterThanOrEqual(1); // the first fault: a failed pass it retried

      for (const model of [fx.aggregates.units, fx.aggregates.partyOrgs]) {
        await eventually(`${model.collection.collectionName} outboxes to be empty`, async () =>
          (await model.collection.countDocuments({ 'outbox.0': { $exists: true } })) === 0 ? true : undefined,
        );
      }
      expect(relayB.publishedCount).toBeGreaterThan(0);
      await eventually('the consumer to reach the end of the topic', () => caughtUp(fx.admin, groupId, topic), 60_000, 200);
      // Every event once in effect; the entries not removed were sent again, and dropped as duplicates.
      await expectOncePerKey(tallies);
      expect(consumer.server.stats.applied).toBe(TOTAL);
      expect(consumer.server.stats.duplicates).toBeGreaterThan(0);
      expect(consumer.server.stats.received).toBe(TOTAL + consumer.server.stats.duplicates);
    } finally {
      await relayA.stop();
      await relayB.stop();
      await consumer.close();
    }
  });

  it('consumer: its ledger insertMany and its handler bulkWrite apply in part and fail; then the ledger again and the consumer dies; a restart finishes', async () => {
    // Reads the topic the first test left: every event, and the relay's re-sends of some.
    const groupId = unique('partial-batch');
    const tallies = fx.connection.collection<BatchTally>('batch_tallies');
    const effects = appliedInPart(tallies, 'bulkWrite', { applied: 3 });
    const dying: { consumer?: ConsumerHarness } = {};
    const ledgerCollection = appliedInPart(fx.connection.collection('processed_events'), 'insertMany', {
      applied: 5,
      times: 2,
      // The second fault: the consumer is going away; the run's records stay uncommitted.
      then: (fault) => void (fault === 2 && dying.consumer?.server.close()),
    });
    const faultyLedger = new ProcessedEventLedger({ collection: () => ledgerCollection } as unknown as Connection);
    const options = {
      groupId,
      connection: fx.connection,
      controllers: [BatchTallyConsumer],
      contracts: [StateChangedV1],
      // Attempts enough for the faults (effect, ledger, ledger) to stay retries of one run, not a dead letter.
      maxAttempts: 5,
    };
    const first = await startConsumer({ ...options, providers: [{ provide: BATCH_TALLIES, useValue: effects }], ledger: faultyLedger });
    dying.consumer = first;
    try {
      await eventually('the consumer to die at the second ledger fault', () => Promise.resolve(ledgerCollection.faults === 2), 60_000);
      expect(effects.faults).toBe(1);
    } finally {
      await first.close();
    }
    const marks = () => fx.connection.collection<{ _id: string }>('processed_events').countDocuments({ _id: { $regex: `^${groupId}/` } });
    expect(await marks()).toBeLessThan(TOTAL); // the dead consumer left events applied but not all marked
    const second = await startConsumer({ ...options, providers: [{ provide: BATCH_TALLIES, useValue: tallies }] });
    try {
      await eventually('the restarted consumer to reach the end of the topic', () => caughtUp(fx.admin, groupId, topic), 60_000, 200);
      await expectOncePerKey(tallies);
      expect(await marks()).toBe(TOTAL);
    } finally {
      await second.close();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Consumer } from 'kafkajs';
import type { Connection } from 'mongoose';
import { KafkaClient } from '../kafka.client.js';
import type { PendingEntry } from '../outbox-order.js';
import { OutboxRelay } from '../outbox-relay.js';
import {
  aggregateModels,
  connectStore,
  eventually,
  messagingOptions,
  rawKafka,
  StateWriter,
  stateChangedContract,
  testRelay,
  unique,
  type Aggregates,
  type StateChanged,
} from './support.js';

/** A relay that dies once between publishing a batch and removing it from the outbox. */
class CrashingRelay extends OutboxRelay {
  crashArmed = false;
  crashed = false;

  protected override async markPublished(batch: PendingEntry[]): Promise<void> {
    if (this.crashArmed) {
      this.crashArmed = false;
      this.crashed = true;
      void this.stop({ release: false }); // as if the process died: the lease is left to expire
      throw new Error('simulated crash between publish and $pullAll');
    }
    return super.markPublished(batch);
  }
}

interface Seen {
  id: string;
  key: string;
  n: number;
}

// Two replicas of a service each run a relay on the same database: one publishes (lease holder),
// the other waits. The events of one key live in two documents of two collections.
describe('outbox relay: two replicas, a crash between publish and $pullAll, and write order per key', () => {
  const topic = unique('test.relay');
  const contract = stateChangedContract(topic);
  let connection: Connection;
  let aggregates: Aggregates;
  let clientA: KafkaClient;
  let clientB: KafkaClient;
  let relayA: CrashingRelay;
  let relayB: OutboxRelay;
  let consumer: Consumer;
  const seen: Seen[] = [];
  let bothLeaders = 0;
  let sampler: NodeJS.Timeout;

  beforeAll(async () => {
    connection = await connectStore(unique('relay'));
    aggregates = aggregateModels(connection);
    await Promise.all([aggregates.units.init(), aggregates.partyOrgs.init()]);
    clientA = new KafkaClient(messagingOptions({ service: 'relay-test-a' }));
    clientB = new KafkaClient(messagingOptions({ service: 'relay-test-b' }));
    await clientA.ensureTopics([{ topic }]);
    relayA = new CrashingRelay(
      clientA,
      messagingOptions({ outboxLeaseMs: 1_500, outboxPollMs: 100, outboxRelayId: 'relay-a', outboxBatchSize: 40 }),
    );
    relayA.register(aggregates.units);
    relayA.register(aggregates.partyOrgs);
    relayB = testRelay(clientB, aggregates, { outboxRelayId: 'relay-b', outboxBatchSize: 40 });
    consumer = rawKafka().consumer({ groupId: unique('relay-probe'), maxWaitTimeInMs: 50 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        const data = JSON.parse(message.value!.toString()) as StateChanged;
        seen.push({ id: message.headers!['ce_id']!.toString(), key: data.key, n: data.n });
        return Promise.resolve();
      },
    });
    sampler = setInterval(() => {
      if (relayA.isLeader && relayB.isLeader) bothLeaders += 1;
    }, 10);
  });

  afterAll(async () => {
    clearInterval(sampler);
    await relayA.stop();
    await relayB.stop();
    await consumer.disconnect();
    await clientA.onApplicationShutdown();
    await clientB.onApplicationShutdown();
    await connection.dropDatabase();
    await connection.close();
  });

  it('publishes every event once the standby took over, in write order per key, never with two leaders', async () => {
    const writer = new StateWriter(relayA, aggregates, contract);
    const keys = Array.from({ length: 12 }, (_, i) => `school-${i}`);
    relayA.start();
    await eventually('relay A to hold the lease', () => Promise.resolve(relayA.isLeader), 10_000);
    relayB.start();

    for (let i = 0; i < 150; i++) await writer.change(keys[i % keys.length]);
    await eventually('relay A to publish some events', () => Promise.resolve(relayA.publishedCount > 0), 30_000);
    relayA.crashArmed = true;
    for (let i = 150; i < 300; i++) await writer.change(keys[(i * 7) % keys.length]);
    await eventually('relay A to crash', () => Promise.resolve(relayA.crashed), 30_000);
    for (let i = 300; i < 400; i++) await writer.change(keys[(i * 5) % keys.length]);

    await eventually('all 400 events on the topic', () => Promise.resolve(new Set(seen.map((s) => s.id)).size === 400), 60_000);

    // First delivery of each event, in arrival order: per key, exactly 1..n in write order.
    const first = new Map<string, number[]>();
    const ids = new Set<string>();
    for (const s of seen) {
      if (ids.has(s.id)) continue;
      ids.add(s.id);
      first.set(s.key, [...(first.get(s.key) ?? []), s.n]);
    }
    for (const [key, total] of writer.expected()) {
      expect({ key, order: first.get(key) }).toEqual({ key, order: Array.from({ length: total }, (_, i) => i + 1) });
    }
    // The batch relay A published but did not remove was published again by relay B.
    expect(seen.length).toBeGreaterThan(400);
    expect(relayB.publishedCount).toBeGreaterThan(0);
    expect(bothLeaders).toBe(0);
    // Every outbox is empty once published.
    for (const model of [aggregates.units, aggregates.partyOrgs]) {
      await eventually(`${model.collection.collectionName} outboxes to be empty`, async () =>
        (await model.collection.countDocuments({ 'outbox.0': { $exists: true } })) === 0 ? true : undefined,
      );
    }
  });

  it('removes what it published from more than 100 documents in one batch (FerretDB 1.24 hangs on an update command of 100 statements)', async () => {
    await relayB.stop(); // releases the lease at once
    const relayC = testRelay(clientB, aggregates, { outboxRelayId: 'relay-c', outboxBatchSize: 500 });
    const writer = new StateWriter(relayC, aggregates, contract);
    for (let i = 0; i < 150; i++) await writer.change(`big-batch-${i}`); // 150 documents, one event each
    const before = new Set(seen.map((s) => s.id)).size;
    relayC.start();
    try {
      await eventually('the 150 events on the topic', () => Promise.resolve(new Set(seen.map((s) => s.id)).size === before + 150), 60_000);
      await eventually('their outboxes to be empty', async () =>
        (await aggregates.units.collection.countDocuments({ 'outbox.0': { $exists: true } })) === 0 ? true : undefined,
      );
      expect(relayC.publishedCount).toBe(150);
    } finally {
      await relayC.stop();
    }
  });
});

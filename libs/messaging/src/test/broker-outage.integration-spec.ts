import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Inject } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { Collection } from 'mongodb';
import { infraStatus, startKafka, stopKafka } from './local-infra.mjs';
import { CloudEventContext } from '../cloud-event.context.js';
import { OnEvent } from '../on-event.decorator.js';
import {
  caughtUp,
  eventually,
  outboxFixture,
  startConsumer,
  stateChangedContract,
  unique,
  type ConsumerHarness,
  type OutboxFixture,
  type StateChanged,
} from './support.js';

const OUTAGE_MS = 20_000;
const TOTAL = 1_000;
const topic = unique('test.outage');
const groupId = unique('outage-group');
const StateChangedV1 = stateChangedContract(topic);
const EFFECTS = Symbol('EFFECTS');

interface Effect {
  eventId: string;
  key: string;
  n: number;
  order: number;
}

let order = 0;

/** The default idempotency (the group's ledger) in front of an effect that is not idempotent by itself: one row per application. */
@Controller()
class CountingConsumer {
  constructor(@Inject(EFFECTS) private readonly effects: Collection<Effect>) {}

  @OnEvent(StateChangedV1)
  async onStateChanged(@Payload() data: StateChanged, @Ctx() ctx: CloudEventContext) {
    await this.effects.insertOne({ eventId: ctx.event.id, key: data.key, n: data.n, order: ++order });
  }
}

// Only a broker this project started can be stopped: with KAFKA_BROKERS from outside (or Docker), say so.
const kafkaStatus = (await infraStatus()).find((s) => s.name === 'kafka');
const brokerIsOurs = Boolean(kafkaStatus?.running) && (process.env['KAFKA_BROKERS'] ?? '').split(',').includes(kafkaStatus!.address);
const outageTest = brokerIsOurs
  ? `${TOTAL} state changes with the broker stopped for ${OUTAGE_MS / 1000} s in the middle: every write succeeds, all ${TOTAL} events arrive, exactly ${TOTAL} effects, in write order per key`
  : `SKIPPED: the broker is not one this project started (KAFKA_BROKERS given from outside), so it cannot be stopped for the outage test`;

describe('a broker outage: the relay waits and resumes, writes keep succeeding, consumers apply each event once', () => {
  let fx: OutboxFixture;
  let consumer: ConsumerHarness;
  let effects: Collection<Effect>;

  const startCounting = () =>
    startConsumer({
      groupId,
      connection: fx.connection,
      controllers: [CountingConsumer],
      providers: [{ provide: EFFECTS, useValue: effects }],
      contracts: [StateChangedV1],
    });

  beforeAll(async () => {
    fx = await outboxFixture({ dbName: unique('outage'), service: 'outage-test', contract: StateChangedV1 });
    effects = fx.connection.collection<Effect>('effects');
    consumer = await startCounting();
    fx.relay.start();
  });

  afterAll(async () => {
    if (brokerIsOurs) await startKafka(); // never leave the broker down for the next test file
    await consumer.close();
    await fx.close();
  });

  const keyOf = (i: number) => `school-${i % 40}`;

  it(
    outageTest,
    async () => {
      if (!brokerIsOurs) return;
      for (let i = 0; i < 300; i++) await fx.writer.change(keyOf(i));
      await eventually('the first events to be applied', async () => ((await effects.countDocuments()) > 0 ? true : undefined));

      expect(await stopKafka()).toBe(true);
      const stoppedAt = Date.now();
      for (let i = 300; i < 700; i++) await fx.writer.change(keyOf(i)); // the store alone: these succeed
      const pendingDuringOutage =
        (await fx.aggregates.units.collection.countDocuments({ 'outbox.0': { $exists: true } })) +
        (await fx.aggregates.partyOrgs.collection.countDocuments({ 'outbox.0': { $exists: true } }));
      await sleep(Math.max(0, OUTAGE_MS - (Date.now() - stoppedAt)));
      await startKafka();
      const outage = Date.now() - stoppedAt;
      for (let i = 700; i < TOTAL; i++) await fx.writer.change(keyOf(i));

      await eventually(`${TOTAL} effects`, async () => ((await effects.countDocuments()) >= TOTAL ? true : undefined), 180_000, 500);

      expect(outage).toBeGreaterThanOrEqual(OUTAGE_MS);
      expect(fx.writer.written).toBe(TOTAL);
      expect(pendingDuringOutage).toBeGreaterThan(0); // events waited in the outbox while the broker was down
      const all = await effects.find().sort({ order: 1 }).toArray();
      expect(all).toHaveLength(TOTAL);
      expect(new Set(all.map((e) => e.eventId)).size).toBe(TOTAL);
      const byKey = new Map<string, number[]>();
      for (const e of all) byKey.set(e.key, [...(byKey.get(e.key) ?? []), e.n]);
      for (const [key, count] of fx.writer.expected()) {
        expect({ key, order: byKey.get(key) }).toEqual({ key, order: Array.from({ length: count }, (_, i) => i + 1) });
      }
      await eventually('the group to commit the end of the topic', () => caughtUp(fx.admin, groupId, topic), 60_000, 500);
    },
    300_000,
  );

  it('the group replayed from the earliest offsets applies nothing twice (ledger)', async () => {
    // After the outage test, its 1,000 events; alone (or with an outside broker), 200 of its own.
    if (fx.writer.written === 0) for (let i = 0; i < 200; i++) await fx.writer.change(keyOf(i));
    const expected = fx.writer.written;
    await eventually(`${expected} effects`, async () => ((await effects.countDocuments()) >= expected ? true : undefined), 120_000, 500);
    await eventually('the group to commit the end of the topic', () => caughtUp(fx.admin, groupId, topic), 60_000, 500);

    await consumer.close();
    await fx.admin.resetOffsets({ groupId, topic, earliest: true });
    consumer = await startCounting();
    await eventually('the replay to reach the end of the topic', () => caughtUp(fx.admin, groupId, topic), 120_000, 500);

    expect(consumer.server.stats.received).toBeGreaterThanOrEqual(expected);
    expect(consumer.server.stats.applied).toBe(0);
    expect(await effects.countDocuments()).toBe(expected);
  }, 300_000);
});

import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Inject } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { Consumer, Producer } from 'kafkajs';
import type { Collection } from 'mongodb';
import { eventHeaders } from '@pb/contracts';
import { CloudEventContext } from '../cloud-event.context.js';
import { OnEvent } from '../on-event.decorator.js';
import { consumerWithEffects, EFFECTS, eventually, rawKafka, stateChangedContract, unique } from './support.js';
import type { ConsumerHarness, EffectsFixture, StateChanged } from './support.js';

const topic = unique('test.heartbeat');
const groupId = unique('heartbeat-group');
const StateChangedV1 = stateChangedContract(topic);
const SESSION_TIMEOUT_MS = 6_000; // the broker's group.min.session.timeout.ms
const calls: { n: number; attempt: number }[] = [];

@Controller()
class SlowConsumer {
  constructor(@Inject(EFFECTS) private readonly effects: Collection<{ _id: string; n: number; attempt: number }>) {}

  /** Record 1: a 4 s attempt that fails, a 4 s wait, a 1 s attempt that succeeds: 9 s, past the session timeout. */
  @OnEvent(StateChangedV1)
  async onStateChanged(@Payload() data: StateChanged, @Ctx() ctx: CloudEventContext) {
    calls.push({ n: data.n, attempt: ctx.attempt });
    if (data.n === 1) {
      await sleep(ctx.attempt === 1 ? 4_000 : 1_000);
      if (ctx.attempt === 1) throw new Error('slow dependency timed out');
    }
    await this.effects.insertOne({ _id: ctx.event.id, n: data.n, attempt: ctx.attempt });
  }
}

describe('a handler longer than the session timeout, retries included, keeps its consumer in the group', () => {
  let fx: EffectsFixture<{ _id: string; n: number; attempt: number }>;
  let effects: Collection<{ _id: string; n: number; attempt: number }>;
  let consumer: ConsumerHarness;
  let producer: Producer;
  let joins = 0;

  beforeAll(async () => {
    fx = await consumerWithEffects('heartbeat', {
      groupId,
      controllers: [SlowConsumer],
      contracts: [StateChangedV1],
      maxAttempts: 3,
      consumer: { sessionTimeout: SESSION_TIMEOUT_MS, heartbeatInterval: 1_000, rebalanceTimeout: 20_000 },
      server: { retryInitialDelayMs: 4_000, retryMaxDelayMs: 4_000 },
      messaging: { topicPartitions: 1 },
    });
    ({ effects, consumer } = fx);
    const kafkaConsumer = consumer.server.unwrap<Consumer>();
    kafkaConsumer.on(kafkaConsumer.events.GROUP_JOIN, () => (joins += 1));
    producer = rawKafka().producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
  });

  afterAll(async () => {
    await producer.disconnect();
    await fx.close();
  });

  it('heartbeats through a 9 s handling with a retry: no rebalance, the record applied once', async () => {
    const send = (n: number) => {
      const id = `hb-${n}-${topic}`;
      const headers = eventHeaders({ type: StateChangedV1.type }, { id, source: '/test' });
      return producer.send({
        topic,
        acks: -1,
        messages: [{ key: 'school-1', value: JSON.stringify({ key: 'school-1', n, doc: 'unit' }), headers }],
      });
    };
    const admin = rawKafka().admin();
    await admin.connect();
    await eventually('the group to be stable with its one member', async () => {
      const { groups } = await admin.describeGroups([groupId]);
      return groups[0]?.state === 'Stable' && groups[0].members.length === 1;
    });
    await admin.disconnect();
    const joinsBefore = joins;
    await send(1);
    await eventually('record 1 applied', () => effects.findOne({ n: 1 }), 60_000);
    // A consumer the coordinator had dropped would rejoin before it handles the next record.
    await send(2);
    await eventually('record 2 applied', () => effects.findOne({ n: 2 }), 60_000);

    expect(joins - joinsBefore).toBe(0);
    expect(calls).toEqual([
      { n: 1, attempt: 1 },
      { n: 1, attempt: 2 },
      { n: 2, attempt: 1 },
    ]);
    expect(await effects.countDocuments()).toBe(2);
  });
});

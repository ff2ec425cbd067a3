// A consumer process for the crash and replay tests: a Nest microservice whose handler applies each
// event with `applyOnce` (the effect and its mark in one write) and logs every invocation, so the
// test can tell redeliveries (invocations) from effects (tallies). Configured by environment.
import 'reflect-metadata';
import { setTimeout as sleep } from 'node:timers/promises';
import { Controller, Inject } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { Collection } from 'mongodb';
import { CloudEventContext } from '../cloud-event.context.js';
import { applyOnce } from '../idempotent-effects.js';
import { OnEvent } from '../on-event.decorator.js';
import { connectStore, startConsumer, stateChangedContract, type StateChanged } from './support.js';

const need = (name: string) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
};
const StateChangedV1 = stateChangedContract(need('TEST_TOPIC'));
const delayMs = Number(process.env['TEST_HANDLER_DELAY_MS'] ?? 0);
const INVOCATIONS = Symbol('INVOCATIONS');
const TALLIES = Symbol('TALLIES');

@Controller()
class TallyConsumer {
  constructor(
    @Inject(INVOCATIONS) private readonly invocations: Collection<{ eventId: string; pid: number }>,
    @Inject(TALLIES) private readonly tallies: Collection<{ _id: string }>,
  ) {}

  @OnEvent(StateChangedV1, { idempotency: 'effect' })
  async onStateChanged(@Payload() data: StateChanged, @Ctx() ctx: CloudEventContext) {
    await this.invocations.insertOne({ eventId: ctx.event.id, pid: process.pid });
    if (delayMs > 0) await sleep(delayMs);
    // Not idempotent by itself ($inc, $push); the event's id recorded in the same write makes it so.
    return applyOnce(this.tallies, { _id: data.key, eventId: ctx.event.id, update: { $inc: { count: 1 }, $push: { ns: data.n } } });
  }
}

const connection = await connectStore(need('TEST_DB'));
const consumer = await startConsumer({
  groupId: need('TEST_GROUP'),
  connection,
  controllers: [TallyConsumer],
  providers: [
    { provide: INVOCATIONS, useValue: connection.collection('invocations') },
    { provide: TALLIES, useValue: connection.collection('tallies') },
  ],
  contracts: [StateChangedV1],
  consumer: { sessionTimeout: 6_000, heartbeatInterval: 1_000 },
});
process.once('SIGTERM', () => {
  void consumer
    .close()
    .then(() => connection.close())
    .then(() => process.exit(0));
});
process.stdout.write('ready\n');

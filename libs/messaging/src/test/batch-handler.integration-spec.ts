import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Inject } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { Collection } from 'mongodb';
import { deadLetterTopic } from '@pb/contracts';
import { CloudEventContext } from '../cloud-event.context.js';
import { OnEvent, OnEventBatch, type EventBatchItem } from '../on-event.decorator.js';
import {
  consumerWithEffects,
  deadLetterProbe,
  EFFECTS,
  eventually,
  headerText,
  stateChangedContract,
  testContract,
  testRecord,
  unique,
} from './support.js';
import type { ConsumerHarness, EffectsFixture, StateChanged } from './support.js';

const topic = unique('test.batch');
const groupId = unique('batch-group');
const dlqTopic = deadLetterTopic(topic, groupId);
const StateChangedV1 = stateChangedContract(topic);
const CountedV1 = testContract(topic, 'counted', 'a second type the batch handler folds with state changes.', 'The school counted.', {
  type: 'object',
  additionalProperties: false,
  required: ['key', 'n'],
  properties: { key: { type: 'string' }, n: { type: 'integer' } },
} as const);
/** A type with an ordinary per-record handler: it ends the run before it. */
const NoticedV1 = testContract(topic, 'noticed', 'handled one record at a time.', 'The school.', {
  type: 'object',
  required: ['key'],
  properties: { key: { type: 'string' } },
} as const);

/** The handler fails every call that holds n = 99 (a record it can never apply). */
const FAILING_N = 99;
const calls: { offsets: number[]; ids: string[] }[] = [];

interface Effect {
  _id: string;
  n?: number;
  offset: number;
}

@Controller()
class BatchTestConsumer {
  constructor(@Inject(EFFECTS) private readonly effects: Collection<Effect>) {}

  @OnEventBatch([StateChangedV1, CountedV1])
  async onRun(@Payload() items: EventBatchItem<{ key: string; n: number }>[]) {
    calls.push({ offsets: items.map((i) => Number(i.record.offset)), ids: items.map((i) => i.event.id) });
    if (items.some((i) => i.data.n === FAILING_N)) throw new Error(`boom: n ${FAILING_N} cannot be counted`);
    // Insert per event id: a second application of one event would fail on the unique _id.
    await this.effects.insertMany(items.map((i) => ({ _id: i.event.id, n: i.data.n, offset: Number(i.record.offset) })));
  }

  @OnEvent(NoticedV1)
  async onNoticed(@Payload() _data: unknown, @Ctx() ctx: CloudEventContext) {
    await this.effects.insertOne({ _id: ctx.event.id, offset: Number(ctx.record.offset) });
  }
}

describe('@OnEventBatch: runs of records in one call, each event applied once, a poison record dead-lettered alone', () => {
  let fx: EffectsFixture<Effect>;
  let effects: Collection<Effect>;
  let consumer: ConsumerHarness;
  let probe: Awaited<ReturnType<typeof deadLetterProbe>>;

  beforeAll(async () => {
    fx = await consumerWithEffects('batch', {
      groupId,
      controllers: [BatchTestConsumer],
      contracts: [StateChangedV1, CountedV1, NoticedV1],
      maxAttempts: 2,
      messaging: { topicPartitions: 1 }, // one partition: runs and their order are well defined
    });
    ({ effects, consumer } = fx);
    probe = await deadLetterProbe(dlqTopic);
  });

  afterAll(async () => {
    await probe.close();
    await fx.close();
  });

  it('folds consecutive records of both types into calls, skips a re-sent copy, ends a run at a record of another handler, and dead-letters only the failing and the invalid record', async () => {
    const state = (n: number) => testRecord(StateChangedV1, { key: 'school-1', n, doc: 'unit' } satisfies StateChanged);
    const counted = (n: number) => testRecord(CountedV1, { key: 'school-1', n });
    const first = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? state(i + 1) : counted(i + 1)));
    const invalid = testRecord(CountedV1, { key: 'school-1', n: 'twenty-one' });
    const noticed = testRecord(NoticedV1, { key: 'school-1' });
    const second = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? state(i + 30) : counted(i + 30)));
    const failing = counted(FAILING_N);
    // The relay re-sending an event it had published (a crash before it removed it): same id, later offset.
    const resent = testRecord(StateChangedV1, { key: 'school-1', n: 1, doc: 'unit' }, { id: first[0].id });
    const sequence = [...first, invalid, noticed, ...second.slice(0, 10), failing, ...second.slice(10), resent];
    // One request: the consumer fetches them as one batch.
    const meta = await probe.producer.send({ topic, acks: -1, messages: sequence.map((r) => r.message) });
    const base = Number(meta[0].baseOffset);
    const offsetOf = (id: string) => base + sequence.findIndex((r) => r.id === id);

    const applied = [...first, noticed, ...second].map((r) => r.id);
    await eventually(
      'every valid record applied',
      async () => ((await effects.countDocuments({})) === applied.length ? true : undefined),
      60_000,
    );
    await eventually('two dead letters', () => Promise.resolve(probe.deadLetters.length >= 2 ? true : undefined), 60_000);

    // Each valid event once (the unique _id would have refused a second insert: no retries were needed for that).
    expect((await effects.find({}).toArray()).map((e) => e._id).sort()).toEqual([...applied].sort());
    // Records were handed over in runs, never across the record of the per-record handler.
    expect(Math.max(...calls.map((c) => c.ids.length))).toBeGreaterThan(1);
    const noticedAt = offsetOf(noticed.id);
    for (const c of calls) expect(c.offsets.every((o) => o < noticedAt) || c.offsets.every((o) => o > noticedAt)).toBe(true);
    // The re-sent copy never reached the handler.
    expect(calls.flatMap((c) => c.ids).filter((id) => id === resent.id)).toHaveLength(1);
    expect(consumer.server.stats.duplicates).toBeGreaterThanOrEqual(1);

    const reasons = new Map(
      probe.deadLetters.map(({ headers: h }) => [
        headerText(h, 'ce_id'),
        { reason: headerText(h, 'dlq-reason'), attempts: headerText(h, 'dlq-attempts'), error: headerText(h, 'dlq-error') },
      ]),
    );
    expect(reasons.get(invalid.id)).toMatchObject({ reason: 'invalid-record', attempts: '0' });
    expect(reasons.get(failing.id)).toMatchObject({
      reason: 'handler-failed',
      attempts: '2',
      error: expect.stringMatching(/boom: n 99/) as unknown as string,
    });
    // The failing run went record by record: the records around n = 99 were applied alone.
    expect(calls.filter((c) => c.ids.length === 1 && c.ids[0] === failing.id)).toHaveLength(2);
  });
});

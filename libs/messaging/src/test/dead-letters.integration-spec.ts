import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Inject } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { IHeaders, Producer } from 'kafkajs';
import type { Collection } from 'mongodb';
import { deadLetterTopic, type EventData } from '@pb/contracts';
import { CloudEventContext } from '../cloud-event.context.js';
import { OnEvent } from '../on-event.decorator.js';
import {
  consumerWithEffects,
  deadLetterProbe,
  EFFECTS,
  eventually,
  headerText,
  rawKafka,
  stateChangedContract,
  testContract,
  testRecord,
  unique,
} from './support.js';
import type { ConsumerHarness, DeadLetter, EffectsFixture, StateChanged } from './support.js';

const ROOT = fileURLToPath(new URL('../../../..', import.meta.url));
const topic = unique('test.poison');
const groupId = unique('poison-group');
const dlqTopic = deadLetterTopic(topic, groupId);
const StateChangedV1 = stateChangedContract(topic);
/** A second event type on the same topic, whose handler fails until told otherwise. */
const ReviewRequestedV1 = testContract(
  topic,
  'review-requested',
  'a review request whose handler throws.',
  'The school asked for a review.',
  {
    type: 'object',
    required: ['key'],
    properties: { key: { type: 'string' } },
  } as const,
);

const handlerState = { fixed: false, reviewCalls: 0 };

interface Effect {
  _id: string;
  key: string;
  n?: number;
  offset: number;
}

@Controller()
class PoisonTestConsumer {
  constructor(@Inject(EFFECTS) private readonly effects: Collection<Effect>) {}

  @OnEvent(StateChangedV1)
  async onStateChanged(@Payload() data: StateChanged, @Ctx() ctx: CloudEventContext) {
    await this.effects.insertOne({ _id: ctx.event.id, key: data.key, n: data.n, offset: Number(ctx.record.offset) });
  }

  @OnEvent(ReviewRequestedV1)
  async onReviewRequested(@Payload() data: EventData<typeof ReviewRequestedV1>, @Ctx() ctx: CloudEventContext) {
    handlerState.reviewCalls += 1;
    if (!handlerState.fixed) throw new Error(`boom: reviewer directory unavailable for ${data.key}`);
    await this.effects.insertOne({ _id: ctx.event.id, key: data.key, offset: Number(ctx.record.offset) });
  }
}

function runDlqScript(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'tools', 'scripts', 'dlq.mjs'), ...args], {
    cwd: ROOT,
    env: { ...process.env },
    encoding: 'utf8',
    timeout: 90_000,
  });
  if (r.status !== 0) throw new Error(`dlq ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

describe('retries then dead letters: poison records go to <topic>.dlq.<group> at once, the partition keeps flowing', () => {
  let fx: EffectsFixture<Effect>;
  let effects: Collection<Effect>;
  let consumer: ConsumerHarness;
  let probe: Awaited<ReturnType<typeof deadLetterProbe>>;
  let producer: Producer;
  let deadLetters: DeadLetter[];
  const sent: Record<string, string> = {};

  beforeAll(async () => {
    fx = await consumerWithEffects('poison', {
      groupId,
      controllers: [PoisonTestConsumer],
      contracts: [StateChangedV1, ReviewRequestedV1],
      maxAttempts: 3,
      messaging: { topicPartitions: 1 }, // one partition: "the records after it" is well defined
    });
    ({ effects, consumer } = fx);
    probe = await deadLetterProbe(dlqTopic);
    ({ producer, deadLetters } = probe);
  });

  afterAll(async () => {
    await probe.close();
    await fx.close();
  });

  it('dead-letters unparsable, schema-invalid and header-less records at once and a failing handler after 3 attempts; the valid records after each are applied in order', async () => {
    const good = (n: number) => testRecord(StateChangedV1, { key: 'school-1', n, doc: 'unit' });
    const notJson = testRecord(StateChangedV1, undefined, { value: '{"key": "school-1", n: oops' });
    const breaksSchema = testRecord(StateChangedV1, { key: 'school-1', n: 'two', doc: 'unit' });
    const noHeaders = {
      id: 'no-headers',
      message: {
        key: 'school-1',
        value: JSON.stringify({ key: 'school-1', n: 9, doc: 'unit' }),
        headers: { 'content-type': 'application/json' },
      },
    };
    const failing = testRecord(ReviewRequestedV1, { key: 'school-1' });
    const sequence = [good(1), notJson, good(2), breaksSchema, good(3), noHeaders, good(4), failing, good(5)];
    const goodIds = [sequence[0], sequence[2], sequence[4], sequence[6], sequence[8]].map((r) => r.id);
    for (const r of sequence) {
      const [meta] = await producer.send({ topic, acks: -1, messages: [r.message] });
      sent[r.id] = meta.baseOffset!;
    }

    await eventually('4 dead letters', () => Promise.resolve(deadLetters.length >= 4 ? deadLetters : undefined), 60_000);
    await eventually('5 effects', async () => ((await effects.countDocuments({ _id: { $in: goodIds } })) === 5 ? true : undefined), 60_000);

    // Valid records, including those after each poison record, were applied, in partition order.
    const applied = await effects
      .find({ _id: { $in: goodIds } })
      .sort({ offset: 1 })
      .toArray();
    expect(applied.map((e) => e.n)).toEqual([1, 2, 3, 4, 5]);

    const bySourceOffset = new Map(deadLetters.map((d) => [headerText(d.headers, 'dlq-source-offset'), d]));
    const expectDead = (id: string, attempts: number, error: RegExp) => {
      const d = bySourceOffset.get(sent[id]);
      expect(d).toBeDefined();
      expect({
        attempts: headerText(d!.headers, 'dlq-attempts'),
        reason: headerText(d!.headers, 'dlq-reason'),
        sourceTopic: headerText(d!.headers, 'dlq-source-topic'),
        group: headerText(d!.headers, 'dlq-group'),
      }).toEqual({
        attempts: String(attempts),
        reason: attempts === 0 ? 'invalid-record' : 'handler-failed',
        sourceTopic: topic,
        group: groupId,
      });
      expect(headerText(d!.headers, 'dlq-error')).toMatch(error);
      return d!;
    };
    const dNotJson = expectDead(notJson.id, 0, /PoisonRecord: value is not JSON/);
    expectDead(breaksSchema.id, 0, /PoisonRecord: schema: \/n must be integer/);
    expectDead(noHeaders.id, 0, /missing header ce_/);
    // The handler's own error reached the retry loop (not Nest's generic "Internal server error").
    const dFailing = expectDead(failing.id, 3, /Error: boom: reviewer directory unavailable for school-1/);
    expect(handlerState.reviewCalls).toBe(3);
    // Original headers and value are kept.
    expect(headerText(dNotJson.headers, 'ce_id')).toBe(notJson.id);
    expect(headerText(dNotJson.headers, 'correlation-id')).toBe(`corr-${notJson.id}`);
    expect(dNotJson.value).toBe(notJson.message.value);
    expect(headerText(dFailing.headers, 'ce_type')).toBe(ReviewRequestedV1.type);
    expect(consumer.server.stats).toMatchObject({ deadLettered: 4, retries: 2 });
  });

  it('npm run dlq lists the dead letters and re-publishes a chosen one to its topic with its original headers', async () => {
    const listed = runDlqScript('list', dlqTopic, '--json')
      .trim()
      .split('\n')
      .map(
        (line) => JSON.parse(line) as { offset: string; id: string | null; attempts: number; reason: string; source: { offset: string } },
      );
    expect(listed).toHaveLength(4);
    const failingEntry = listed.find((l) => l.attempts === 3)!;
    expect(failingEntry).toMatchObject({ reason: 'handler-failed', id: expect.stringMatching(/^evt-/) as unknown as string });
    expect(runDlqScript('list', dlqTopic)).toContain('4 dead letter(s)');

    // The cause is fixed; re-publish the record whose handler failed.
    handlerState.fixed = true;
    const out = runDlqScript('republish', dlqTopic, failingEntry.offset);
    expect(out).toMatch(
      new RegExp(`republished ${dlqTopic.replace(/\./g, '\\.')} 0:${failingEntry.offset} -> ${topic.replace(/\./g, '\\.')} 0:\\d+`),
    );
    await eventually('the re-published event to be applied', () => effects.findOne({ _id: failingEntry.id! }), 60_000);

    // On the source topic it is the original record again: same ce_ headers, no dlq-* header.
    const reader = rawKafka().consumer({ groupId: unique('source-probe'), maxWaitTimeInMs: 50 });
    const copies: IHeaders[] = [];
    await reader.connect();
    await reader.subscribe({ topic, fromBeginning: true });
    await reader.run({
      eachMessage: ({ message }) => {
        if (headerText(message.headers, 'ce_id') === failingEntry.id) copies.push(message.headers ?? {});
        return Promise.resolve();
      },
    });
    await eventually('both copies on the source topic', () => Promise.resolve(copies.length === 2 ? copies : undefined), 30_000);
    await reader.disconnect();
    const republished = copies[1];
    expect(Object.keys(republished).filter((k) => k.startsWith('dlq-'))).toEqual([]);
    expect(headerText(republished, 'ce_type')).toBe(ReviewRequestedV1.type);
    expect(headerText(republished, 'correlation-id')).toBe(`corr-${failingEntry.id}`);
  });
});

import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Collection } from 'mongodb';
import { caughtUp, eventually, outboxFixture, stateChangedContract, unique, type OutboxFixture } from './support.js';

const TOTAL = 600;
const topic = unique('test.crash');
const groupId = unique('crash-group');
const dbName = unique('crash');
const StateChangedV1 = stateChangedContract(topic);
// The hooks live with the jest setup (tools/jest), which compiles TypeScript the same way.
const hooks = path.join(process.cwd(), 'tools', 'jest', 'ts-hooks.mjs');
const processFile = fileURLToPath(new URL('./consumer.process.ts', import.meta.url));

interface Tally {
  _id: string;
  count: number;
  ns: number[];
  appliedEventIds: string[];
}

/** The consumer process (consumer.process.ts), started the way a service replica is: a node process of its own. */
function spawnConsumer(delayMs: number): { child: ChildProcess; output: () => string; ready: Promise<void> } {
  let output = '';
  const child = spawn(process.execPath, ['--import', hooks, processFile], {
    env: { ...process.env, TEST_TOPIC: topic, TEST_GROUP: groupId, TEST_DB: dbName, TEST_HANDLER_DELAY_MS: String(delayMs) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('ready')) resolve();
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code, signal) => reject(new Error(`consumer process exited (${code ?? signal}) before it was ready:\n${output}`)));
  });
  return { child, output: () => output, ready };
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

describe('a consumer process killed mid-stream (SIGKILL) and restarted, then its group replayed from the earliest offsets', () => {
  let fx: OutboxFixture;
  let tallies: Collection<Tally>;
  let invocations: Collection<{ eventId: string; pid: number }>;
  let current: ChildProcess | undefined;

  const applied = async () => (await tallies.find().toArray()).reduce((n, t) => n + t.count, 0);

  beforeAll(async () => {
    fx = await outboxFixture({ dbName, service: 'crash-test', contract: StateChangedV1 });
    tallies = fx.connection.collection<Tally>('tallies');
    invocations = fx.connection.collection('invocations');
    fx.relay.start();
    for (let i = 0; i < TOTAL; i++) await fx.writer.change(`school-${i % 20}`);
    await eventually(`the relay to publish ${TOTAL} events`, () => Promise.resolve(fx.relay.publishedCount >= TOTAL), 120_000);
  });

  afterAll(async () => {
    if (current && current.exitCode === null && current.signalCode === null) {
      current.kill('SIGKILL');
      await exited(current);
    }
    await fx.close();
  });

  const expectExactlyOnce = async () => {
    const all = await tallies.find().toArray();
    const expected = fx.writer.expected();
    expect(all).toHaveLength(expected.size);
    for (const t of all) {
      const count = expected.get(t._id)!;
      // Each event's effect exactly once, in write order: n = 1..count, no repeat, no gap.
      expect({ key: t._id, count: t.count, ns: t.ns }).toEqual({ key: t._id, count, ns: Array.from({ length: count }, (_, i) => i + 1) });
      expect(new Set(t.appliedEventIds).size).toBe(count);
    }
  };

  it(`loses nothing and applies nothing twice: ${TOTAL} events, killed after about a quarter`, async () => {
    const first = spawnConsumer(15);
    current = first.child;
    await first.ready;
    await eventually('the first process to be mid-stream', async () => ((await applied()) >= TOTAL / 4 ? true : undefined), 120_000, 20);
    first.child.kill('SIGKILL');
    await exited(first.child);
    const appliedAtKill = await applied();
    expect(appliedAtKill).toBeLessThan(TOTAL);

    const second = spawnConsumer(0);
    current = second.child;
    await second.ready;
    await eventually(`${TOTAL} effects`, async () => ((await applied()) >= TOTAL ? true : undefined), 120_000, 200);
    await eventually('the group to commit the end of the topic', () => caughtUp(fx.admin, groupId, topic), 60_000, 200);

    await expectExactlyOnce();
    // The restarted process was handed records the killed one had handled but not committed.
    expect(await invocations.countDocuments()).toBeGreaterThanOrEqual(TOTAL);
  }, 300_000);

  it('applies nothing twice when the group is replayed from the earliest offsets (effect and mark in one write)', async () => {
    if (!current || current.exitCode !== null || current.signalCode !== null) {
      const alone = spawnConsumer(0); // this test run on its own
      current = alone.child;
      await alone.ready;
    }
    await eventually(`${TOTAL} effects`, async () => ((await applied()) >= TOTAL ? true : undefined), 120_000, 200);
    await eventually('the group to commit the end of the topic', () => caughtUp(fx.admin, groupId, topic), 60_000, 200);
    const before = await invocations.countDocuments();
    current.kill('SIGTERM');
    await exited(current);
    await fx.admin.resetOffsets({ groupId, topic, earliest: true });

    const third = spawnConsumer(0);
    current = third.child;
    await third.ready;
    await eventually('the replay to reach the end of the topic', () => caughtUp(fx.admin, groupId, topic), 120_000, 200);

    expect((await invocations.countDocuments()) - before).toBeGreaterThanOrEqual(TOTAL); // every event delivered again
    await expectExactlyOnce(); // and none applied again
  }, 300_000);
});

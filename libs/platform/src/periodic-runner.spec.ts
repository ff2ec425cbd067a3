import { afterEach, describe, expect, it, jest } from '@jest/globals';
import type { Logger } from '@nestjs/common';
import type { Lease } from '@pb/persistence';
import { PeriodicRunner } from './periodic-runner.js';

function fakeLease(held: boolean) {
  const calls: string[] = [];
  const lease = {
    acquire: (now?: Date) => {
      calls.push(`acquire ${now?.toISOString() ?? '-'}`);
      return Promise.resolve(held);
    },
    release: () => {
      calls.push('release');
      return Promise.resolve();
    },
  } as unknown as Lease;
  return { lease, calls };
}

const logger = () => {
  const errors: string[] = [];
  return { logger: { error: (m: string) => errors.push(m) } as unknown as Logger, errors };
};

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('PeriodicRunner', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('never runs twice at once: a run called during another waits its turn', async () => {
    let inside = 0;
    let most = 0;
    const order: number[] = [];
    let n = 0;
    const runner = new PeriodicRunner(
      logger().logger,
      async () => {
        const i = ++n;
        most = Math.max(most, ++inside);
        await new Promise((r) => setImmediate(r));
        order.push(i);
        inside--;
        return i;
      },
      { everyMs: 0 },
    );
    expect(await Promise.all([runner.run(), runner.run(), runner.run()])).toEqual([1, 2, 3]);
    expect(most).toBe(1);
    expect(order).toEqual([1, 2, 3]);
  });

  it('runs only while this replica holds the lease, counting its expiry from the given instant', async () => {
    const now = new Date('2030-05-01T00:00:00Z');
    const refused = fakeLease(false);
    const task = jest.fn((_now: Date | undefined) => Promise.resolve('done'));
    await expect(new PeriodicRunner(logger().logger, task, { everyMs: 0, lease: refused.lease }).run(now)).resolves.toBeUndefined();
    expect(task).not.toHaveBeenCalled();
    expect(refused.calls).toEqual([`acquire ${now.toISOString()}`]);
    const held = fakeLease(true);
    await expect(new PeriodicRunner(logger().logger, task, { everyMs: 0, lease: held.lease, now: () => now }).run()).resolves.toBe('done');
    expect(task).toHaveBeenCalledWith(now);
  });

  it('logs a failing timer run and runs again at the next tick; 0 turns the timer off', async () => {
    jest.useFakeTimers();
    const { logger: log, errors } = logger();
    let calls = 0;
    const task = () => (++calls === 1 ? Promise.reject(new Error('store down')) : Promise.resolve(calls));
    const runner = new PeriodicRunner(log, task, { everyMs: 1_000 });
    runner.start();
    await jest.advanceTimersByTimeAsync(1_000);
    expect(errors).toEqual(['run failed: store down']);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(calls).toBe(2);
    await runner.stop();
    await jest.advanceTimersByTimeAsync(5_000);
    expect(calls).toBe(2);

    const off = new PeriodicRunner(log, task, { everyMs: 0 });
    off.start();
    await jest.advanceTimersByTimeAsync(5_000);
    expect(calls).toBe(2);
  });

  it('skips a tick while a run is in flight', async () => {
    jest.useFakeTimers();
    const gate = deferred();
    let calls = 0;
    const runner = new PeriodicRunner(
      logger().logger,
      () => {
        calls++;
        return gate.promise;
      },
      { everyMs: 1_000 },
    );
    runner.start();
    await jest.advanceTimersByTimeAsync(3_000);
    expect(calls).toBe(1);
    gate.resolve();
    await runner.stop();
  });

  it('stops by waiting for the run in flight, then releases the lease', async () => {
    const gate = deferred();
    const { lease, calls } = fakeLease(true);
    const runner = new PeriodicRunner(
      logger().logger,
      async () => {
        await gate.promise;
        calls.push('run finished');
      },
      { everyMs: 0, lease },
    );
    const running = runner.run();
    let stopped = false;
    const stopping = runner.stop().then(() => (stopped = true));
    await new Promise((r) => setImmediate(r));
    expect(stopped).toBe(false);
    gate.resolve();
    await Promise.all([running, stopping]);
    expect(calls).toEqual(['acquire -', 'run finished', 'release']);
  });
});

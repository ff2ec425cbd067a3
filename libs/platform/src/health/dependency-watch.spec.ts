import { describe, expect, it } from '@jest/globals';
import { DependencyWatch } from './dependency-watch.js';

/** A dependency the test turns on and off, on a clock the test moves. */
function fixture(failAfterMs: number) {
  let clock = 1_000;
  let up = true;
  let answers = 0;
  const watch = new DependencyWatch({
    name: 'store',
    probe: () => {
      answers++;
      return up ? Promise.resolve({ database: 'reporting' }) : Promise.reject(new Error('connection refused'));
    },
    intervalMs: 60_000,
    timeoutMs: 1_000,
    failAfterMs,
    now: () => clock,
  });
  return {
    watch,
    set: (v: boolean) => (up = v),
    advance: (ms: number) => (clock += ms),
    answers: () => answers,
  };
}

describe('readiness from a watched dependency (docs/adr/0024)', () => {
  it('waits for the first answer before saying anything, and is not ready before a first success', async () => {
    const fx = fixture(10_000);
    fx.set(false);
    expect((await fx.watch.state()).ready).toBe(false);
    fx.set(true);
    await fx.watch.probeOnce();
    expect(await fx.watch.state()).toEqual({ ready: true, reachable: true, unreachableForMs: 0, details: { database: 'reporting' } });
  });

  it('stays ready through failed probes shorter than the allowed outage, then fails, then recovers at the next success', async () => {
    const fx = fixture(10_000);
    await fx.watch.probeOnce();
    fx.set(false);
    fx.advance(2_000);
    await fx.watch.probeOnce();
    const brief = await fx.watch.state();
    expect(brief).toMatchObject({ ready: true, reachable: false, unreachableForMs: 2_000 });
    expect(brief.details).toMatchObject({ message: 'connection refused' });
    fx.advance(8_000);
    await fx.watch.probeOnce();
    expect(await fx.watch.state()).toMatchObject({ ready: false, reachable: false, unreachableForMs: 10_000 });
    fx.set(true);
    await fx.watch.probeOnce();
    expect(await fx.watch.state()).toMatchObject({ ready: true, reachable: true });
  });

  it('with no allowed outage limit (the broker by default) reports the outage and stays ready', async () => {
    const fx = fixture(Infinity);
    await fx.watch.probeOnce();
    fx.set(false);
    fx.advance(3_600_000);
    await fx.watch.probeOnce();
    expect(await fx.watch.state()).toMatchObject({ ready: true, reachable: false, unreachableForMs: 3_600_000 });
  });

  it('answers readiness from the last probe: asking does not probe again', async () => {
    const fx = fixture(10_000);
    await fx.watch.probeOnce();
    const before = fx.answers();
    for (let i = 0; i < 50; i++) await fx.watch.state();
    expect(fx.answers()).toBe(before);
  });

  it('counts a probe that does not answer in time as failed', async () => {
    const watch = new DependencyWatch({
      name: 'kafka',
      probe: () => new Promise(() => {}),
      intervalMs: 60_000,
      timeoutMs: 20,
      failAfterMs: 0,
    });
    await watch.probeOnce();
    expect(watch.stateNow()).toMatchObject({ ready: false, reachable: false, details: { message: 'no answer within 20 ms' } });
  });
});

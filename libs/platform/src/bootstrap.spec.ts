import { describe, expect, it } from '@jest/globals';
import { shutdownPlan } from './bootstrap.js';

describe('the SIGTERM plan (docs/adr/0024)', () => {
  it('drains for SHUTDOWN_DRAIN_MS, then exits by the grace at the latest', () => {
    expect(shutdownPlan({ shutdownGraceMs: 9_000, drainMs: 3_000 })).toEqual({ hardExitMs: 9_000, drainMs: 3_000 });
  });

  it('never lets the hard stop pass 9.5 s, whatever the grace says: the exit is within 10 s', () => {
    expect(shutdownPlan({ shutdownGraceMs: 30_000, drainMs: 3_000 }).hardExitMs).toBe(9_500);
  });

  it('leaves at least 3 s of the grace to close: a drain longer than that is cut', () => {
    expect(shutdownPlan({ shutdownGraceMs: 9_000, drainMs: 20_000 }).drainMs).toBe(6_000);
    expect(shutdownPlan({ shutdownGraceMs: 2_000, drainMs: 3_000 }).drainMs).toBe(0);
  });

  it('without settings: no drain, the 9 s grace', () => {
    expect(shutdownPlan({})).toEqual({ hardExitMs: 9_000, drainMs: 0 });
  });
});

import { describe, expect, it } from '@jest/globals';
import { IDLE_READS_APART, MAX_IDLE_PAUSE_MS, relayPause } from './outbox-relay.js';

describe('outbox relay pacing (relayPause)', () => {
  it('changes nothing when reads are cheap (MongoDB answers from the outbox index)', () => {
    expect(relayPause(1.4, 0)).toBe(1);
    expect(relayPause(2, 1_000)).toBe(1_000);
    expect(relayPause(2, 100)).toBe(100);
  });

  it('keeps empty reads to at most half of the store time while writes keep nudging it', () => {
    expect(relayPause(350, 0)).toBe(350);
  });

  it('reads again at once after a read that found entries (events are flowing: publishing them spaced the reads)', () => {
    expect(relayPause(350, 0, true)).toBe(0);
    // An idle relay's spacing does not change.
    expect(relayPause(350, 1_000, true)).toBe(350 * IDLE_READS_APART);
  });

  it('spaces idle reads by ten times their cost, up to the cap', () => {
    expect(relayPause(350, 1_000)).toBe(350 * IDLE_READS_APART);
    expect(relayPause(350, 100)).toBe(3_500);
    expect(relayPause(10_000, 1_000)).toBe(MAX_IDLE_PAUSE_MS);
  });
});

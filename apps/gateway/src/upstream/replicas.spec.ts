import { describe, expect, it } from '@jest/globals';
import { ReplicaSet } from './replicas.js';

const A = 'http://127.0.0.1:1';
const B = 'http://127.0.0.1:2';

describe('the replicas of one service as the gateway balances them', () => {
  it('takes turns between ready replicas', () => {
    const set = new ReplicaSet('reporting', [A, B], () => Promise.resolve(true));
    expect([set.pick(), set.pick(), set.pick(), set.pick()]).toEqual([A, B, A, B]);
  });

  it('leaves out a replica whose readiness fails (draining) until it answers 200 again', async () => {
    const ready = new Map([
      [A, true],
      [B, true],
    ]);
    const set = new ReplicaSet('reporting', [A, B], (url) => Promise.resolve(ready.get(url)));
    ready.set(B, false);
    await set.poll();
    expect([set.pick(), set.pick(), set.pick()]).toEqual([A, A, A]);
    ready.set(B, true);
    await set.poll();
    expect(new Set([set.pick(), set.pick()])).toEqual(new Set([A, B]));
  });

  it('keeps what it knew when a poll gets no answer in time', async () => {
    const set = new ReplicaSet('reporting', [A, B], () => Promise.resolve(undefined));
    set.markDown(B);
    await set.poll();
    expect(set.isMarkedDown(B)).toBe(true);
    expect(set.isMarkedDown(A)).toBe(false);
  });

  it('sends a retry to a replica the request has not tried, ready ones first', () => {
    const set = new ReplicaSet('reporting', [A, B], () => Promise.resolve(true));
    expect(set.pick(new Set([A]))).toBe(B);
    set.markDown(B);
    expect(set.pick(new Set([A]))).toBe(B); // not ready, but the only one left untried
  });

  it('tries every replica when none is ready rather than none', () => {
    const set = new ReplicaSet('reporting', [A, B], () => Promise.resolve(false));
    set.markDown(A);
    set.markDown(B);
    expect(new Set([set.pick(), set.pick()])).toEqual(new Set([A, B]));
  });

  it('with one URL (a Kubernetes Service) always uses it and never marks it down', () => {
    const set = new ReplicaSet('reporting', [A], () => Promise.resolve(false));
    set.markDown(A);
    expect([set.pick(), set.pick(new Set([A]))]).toEqual([A, A]);
  });
});

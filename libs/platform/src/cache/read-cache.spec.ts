import { describe, expect, it } from '@jest/globals';
import { ReadCache } from './read-cache.js';

interface Unit {
  _id: string;
  name: string;
  n?: number;
}
const unit = (name: string): Unit => ({ _id: 'u1', name });

describe('ReadCache', () => {
  it('answers from memory within the time it keeps an answer, and reads again after it', async () => {
    let now = 1_000;
    const cache = new ReadCache<Unit>(500, () => now);
    let reads = 0;
    const read = () => Promise.resolve(unit(`v${++reads}`));
    expect((await cache.get('u1', read))?.name).toBe('v1');
    now += 499;
    expect((await cache.get('u1', read))?.name).toBe('v1');
    now += 1;
    expect((await cache.get('u1', read))?.name).toBe('v2');
    expect(reads).toBe(2);
  });

  it('reads every time when turned off (0), and never keeps a missing answer', async () => {
    const off = new ReadCache<Unit>(0);
    let reads = 0;
    await off.get('u1', () => Promise.resolve(unit(`v${++reads}`)));
    await off.get('u1', () => Promise.resolve(unit(`v${++reads}`)));
    expect(reads).toBe(2);
    const on = new ReadCache<Unit>(60_000);
    expect(await on.get('u1', () => Promise.resolve(null))).toBeNull();
    expect((await on.get('u1', () => Promise.resolve(unit('created'))))?.name).toBe('created');
  });

  it('forgets everything after a change, so this process reads its own change at once', async () => {
    const cache = new ReadCache<Unit>(60_000);
    await cache.get('u1', () => Promise.resolve(unit('old')));
    cache.forget();
    expect((await cache.get('u1', () => Promise.resolve(unit('new'))))?.name).toBe('new');
  });

  it('does not keep a read that was under way while a change was forgotten (it may hold the old state)', async () => {
    const cache = new ReadCache<Unit>(60_000);
    let finish!: (u: Unit) => void;
    const slow = cache.get('u1', () => new Promise<Unit>((resolve) => (finish = resolve)));
    cache.forget(); // the change is written while the read is under way
    finish(unit('old'));
    expect((await slow)?.name).toBe('old');
    expect((await cache.get('u1', () => Promise.resolve(unit('new'))))?.name).toBe('new');
  });

  it('stays bounded: full, it starts over', async () => {
    const cache = new ReadCache<Unit>(60_000, Date.now, 2);
    let reads = 0;
    const read = (id: string) => () => Promise.resolve({ ...unit(id), _id: id, n: ++reads });
    await cache.get('a', read('a'));
    await cache.get('b', read('b'));
    await cache.get('c', read('c')); // full: the kept ones are dropped, c is kept
    await cache.get('c', read('c'));
    await cache.get('a', read('a'));
    expect(reads).toBe(4);
  });

  it('keeps what a caller read itself only if nothing was forgotten since it took the generation', () => {
    const cache = new ReadCache<Unit>(60_000);
    const before = cache.generation;
    cache.forget();
    cache.keep('u1', unit('old'), before);
    expect(cache.peek('u1')).toBeUndefined();
    cache.keep('u1', unit('new'), cache.generation);
    expect(cache.peek('u1')?.name).toBe('new');
  });
});

/**
 * Answers kept for a moment to serve reads again (`ttlMs`; 0 keeps nothing). Never for deciding a
 * write: a change reads its store. Bounded staleness, by design:
 * - a change made through this process calls `forget()` once it is written, so the process's next
 *   reads see it; a read that was under way while that happened is not kept (it may hold the old
 *   state), which `generation` tells: take it before the read, pass it to `keep`;
 * - a change made elsewhere (another replica) shows once the kept answer is `ttlMs` old.
 */
export class ReadCache<T> {
  private readonly entries = new Map<string, { value: T; until: number }>();
  private changes = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 50_000,
  ) {}

  /** The answer kept for `key`, if it is younger than the TTL. */
  peek(key: string): T | undefined {
    const kept = this.entries.get(key);
    return kept && kept.until > this.now() ? kept.value : undefined;
  }

  /** Counts the `forget()` calls: read it before a read whose answer may be kept. */
  get generation(): number {
    return this.changes;
  }

  /** Keeps `value` for `key`, unless something was forgotten since `generation` was read. */
  keep(key: string, value: T, generation: number): void {
    if (this.ttlMs <= 0 || generation !== this.changes) return;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, { value, until: this.now() + this.ttlMs });
  }

  /** The kept answer for `key`, else `read()`'s, kept when it is not null. */
  async get(key: string, read: () => Promise<T | null>): Promise<T | null> {
    const kept = this.peek(key);
    if (kept !== undefined) return kept;
    const generation = this.generation;
    const value = await read();
    if (value !== null) this.keep(key, value, generation);
    return value;
  }

  /** Forgets everything kept: after each write that changes what it keeps. */
  forget(): void {
    this.entries.clear();
    this.changes++;
  }
}

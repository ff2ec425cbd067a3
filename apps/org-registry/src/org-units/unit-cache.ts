import type { OrgUnit } from './org-unit.schema.js';

/** Injection token: how long `UnitCache` keeps a unit (ms), from ORG_UNIT_CACHE_MS (config.ts). */
export const ORG_UNIT_CACHE_MS = Symbol('ORG_UNIT_CACHE_MS');

/**
 * Org units as last read, kept for a moment to answer reads (a school's own unit is read on nearly
 * every page). Never used to decide a write: changes read the store under the tree lease.
 *
 * A change made through this replica forgets every kept unit once written (a move rewrites a whole
 * subtree's paths); one made through another replica shows once the entry is `ttlMs` old. A read
 * that was under way while a change was forgotten is not kept, so it cannot bring the old state back.
 */
export class UnitCache {
  private readonly entries = new Map<string, { unit: OrgUnit; until: number }>();
  private generation = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 50_000,
  ) {}

  /** The unit kept for `id`, else `read()`'s answer (kept when found and nothing changed meanwhile). */
  async get(id: string, read: () => Promise<OrgUnit | null>): Promise<OrgUnit | null> {
    if (this.ttlMs <= 0) return read();
    const kept = this.entries.get(id);
    if (kept && kept.until > this.now()) return kept.unit;
    const generation = this.generation;
    const unit = await read();
    if (unit && generation === this.generation) {
      if (this.entries.size >= this.maxEntries) this.entries.clear();
      this.entries.set(id, { unit, until: this.now() + this.ttlMs });
    }
    return unit;
  }

  /** Forgets every kept unit: after each write that changes existing units. */
  forget(): void {
    this.entries.clear();
    this.generation++;
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { InjectScopedModel, ReadCache, Scope, UNIT_NOT_FOUND, type PathOwnership, type ScopedModel } from '@pb/platform';
import type { BureauOnPath } from '../party-orgs/routing.js';
import { ORG_UNIT_MODEL, type OrgUnit } from './org-unit.schema.js';
import { isBureau } from './tree.js';
import { ORG_UNIT_CACHE_MS } from '../config.js';

export { UNIT_NOT_FOUND } from '@pb/platform';
const NO_OUTBOX = { outbox: 0 } as const;

const inScope = (unit: OrgUnit | null, scope: Scope): OrgUnit => scope.require(unit, (u) => u.path, UNIT_NOT_FOUND);

/** Org-owned by path (docs/adr/0012): a unit's own materialised path. */
export const ORG_UNIT_OWNERSHIP: PathOwnership<OrgUnit> = { pathField: 'path', notFound: UNIT_NOT_FOUND };

/** The tree's structure (a unit's path, the bureaus above it) is read for every caller alike, and checked after. */
const TREE = Scope.system('tree reader: the path and the bureaus of a unit');

/**
 * Reads of the org tree that every feature shares. Lookups go by `_id` alone and the scope is checked
 * on the document (FerretDB only pushes a bare `_id` filter down); a unit outside the caller's subtree
 * is reported exactly like a missing one.
 */
@Injectable()
export class TreeReader {
  /** Units as last read, for answering reads (ReadCache: bounded staleness, docs/adr/0005). */
  private readonly cache: ReadCache<OrgUnit>;

  constructor(
    @InjectScopedModel(ORG_UNIT_MODEL) private readonly units: ScopedModel<OrgUnit>,
    @Inject(ORG_UNIT_CACHE_MS) cacheMs: number,
  ) {
    this.cache = new ReadCache<OrgUnit>(cacheMs);
  }

  /** The unit as stored now, whoever asks (a caller's check follows: `unitInScope`, an ownership's `pathOf`). */
  async unit(id: string): Promise<OrgUnit | null> {
    return this.units.lookup(TREE, id, NO_OUTBOX);
  }

  /** The unit's materialised path, or null for an unknown unit: the `PathOf` of collections owned by unit id. */
  readonly pathOf = async (unitId: string): Promise<string[] | null> => (await this.units.lookup(TREE, unitId, { path: 1 }))?.path ?? null;

  /** The unit as stored now, if the caller reaches it: for every decision of a write. */
  async unitInScope(id: string, scope: Scope): Promise<OrgUnit> {
    return this.units.get(scope, id, NO_OUTBOX);
  }

  /**
   * The same for answering a read (the unit itself, its children, its subtree): possibly kept from a
   * moment ago (ORG_UNIT_CACHE_MS, `ReadCache`), so another replica's change may show that much later.
   */
  async unitInScopeForRead(id: string, scope: Scope): Promise<OrgUnit> {
    return inScope(await this.cache.get(id, () => this.unit(id)), scope);
  }

  /** Called once a change of existing units is written: this replica's next reads see it. */
  changed(): void {
    this.cache.forget();
  }

  /** The bureaus among the ids of a path, with their kind (for affiliation and routing). */
  async bureausOn(path: readonly string[]): Promise<BureauOnPath[]> {
    const docs = await this.units.find(TREE, { _id: { $in: [...path] } }, { kind: 1 }).lean<Pick<OrgUnit, '_id' | 'kind'>[]>();
    return docs.filter((d) => isBureau(d.kind)).map((d) => ({ id: d._id, kind: d.kind as BureauOnPath['kind'] }));
  }
}

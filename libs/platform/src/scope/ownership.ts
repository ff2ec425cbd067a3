import type { Bilingual } from '../http/problem.js';
import type { PathOf, Scope } from './scope.js';

/** Documents the caller reaches wherever their unit lies: those addressed to it (a key of the caller in `field`). */
export interface Addressee<T> {
  field: keyof T & string;
  /** The caller's keys, e.g. `[unit:<own unit>, acct:<sub>]` or `[sub]`. */
  keys: (scope: Scope) => string[];
}

interface OwnershipBase<T> {
  /** The title of the one not-found problem for this collection (e.g. 找不到半月记实表). */
  notFound: Bilingual;
  /** Also reachable: documents addressed to the caller (e.g. a contact point's cadre, an inbox delivery). */
  addressee?: Addressee<T>;
}

/** Owned by path: an array field holding the owning unit's materialised path (a unit's `path`, a report's `unitPath`). */
export interface PathOwnership<T> extends OwnershipBase<T> {
  pathField: keyof T & string;
  unitField?: never;
}

/**
 * Owned by unit id: a field holding the owning unit's id, its path from the service's read model.
 * One document is checked through `pathOf`; a query names its unit(s) in `unitField` (an id or `$in`),
 * each one the scope has checked first (`scope.unit`, `scope.subtree`, a reached document).
 */
export interface UnitOwnership<T> extends OwnershipBase<T> {
  unitField: keyof T & string;
  pathOf: PathOf;
  pathField?: never;
}

/** How an org-owned collection records its owner (docs/adr/0012). */
export type OrgOwnership<T> = PathOwnership<T> | UnitOwnership<T>;

type Filter = Record<string, unknown>;

const byPath = <T>(s: OrgOwnership<T>): s is PathOwnership<T> => typeof s.pathField === 'string';

/** The units a filter pins `field` to: an id or `{ $in: ids }`; undefined when it pins none. */
function pinned(filter: Filter, field: string): string[] | undefined {
  const v = filter[field];
  if (typeof v === 'string') return [v];
  const ids = v && typeof v === 'object' ? (v as { $in?: unknown }).$in : undefined;
  return Array.isArray(ids) && ids.every((id) => typeof id === 'string') ? ids : undefined;
}

const and = (filter: Filter, own: Filter): Filter =>
  Object.keys(own).some((k) => k in filter) ? { $and: [filter, own] } : { ...filter, ...own };

/** The scope rule of one org-owned collection, shared by `ScopedModel` (mongoose) and `ScopedCollection` (driver). */
export class Ownership<T> {
  constructor(
    readonly spec: OrgOwnership<T>,
    /** For the message of a query that names no checked unit. */
    private readonly collection: string,
  ) {}

  /** The projection a reach check needs. */
  get fields(): Record<string, 1> {
    const s = this.spec;
    return { [byPath(s) ? s.pathField : s.unitField]: 1, ...(s.addressee ? { [s.addressee.field]: 1 } : {}) };
  }

  private addressed(scope: Scope): Filter | undefined {
    const a = this.spec.addressee;
    return a && { [a.field]: { $in: a.keys(scope) } };
  }

  /**
   * The filter confined to the scope (unchanged for a system scope). By path: the path holds the
   * caller's unit. By unit id: the filter must name units the scope has checked, or it is a bug in
   * the service (an Error, not a 404: no caller input leads here once the unit was checked).
   */
  where(scope: Scope, filter: Filter = {}): Filter {
    if (scope.isSystem) return filter;
    const s = this.spec;
    const addressed = this.addressed(scope);
    if (byPath(s)) {
      const own = { [s.pathField]: scope.orgUnitId };
      return and(filter, addressed ? { $or: [own, addressed] } : own);
    }
    const units = pinned(filter, s.unitField);
    if (units?.every((u) => scope.vouches(u))) return filter;
    if (addressed) return and(filter, addressed);
    throw new Error(`unscoped query of ${this.collection}: name its ${s.unitField} after checking it with the scope (docs/adr/0012)`);
  }

  /** Whether the scope reaches this document (read with at least `fields`). */
  async reaches(scope: Scope, doc: T): Promise<boolean> {
    if (scope.isSystem) return true;
    const s = this.spec;
    const a = s.addressee;
    if (a && a.keys(scope).includes(doc[a.field] as string)) return true;
    if (byPath(s)) return scope.reaches(doc[s.pathField] as readonly string[]);
    const unit = doc[s.unitField] as string;
    if (scope.vouches(unit)) return true;
    const path = await s.pathOf(unit);
    return scope.reaches(path) && path?.at(-1) === unit;
  }
}

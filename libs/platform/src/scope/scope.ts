import type { Identity, Role } from '../auth/identity.js';
import { problemTypeUrl } from '@pb/contracts';
import { problem, type Bilingual } from '../http/problem.js';

/** The platform's one not-found problem: missing and outside the caller's subtree look the same (no existence leak). */
export const NOT_FOUND_TYPE = problemTypeUrl('notFound');
export const notFoundProblem = (what?: Bilingual) => problem.notFound(what);
export const UNIT_NOT_FOUND: Bilingual = { zh: '找不到组织单位', en: 'Org unit not found' };

/** Anything that yields a unit's materialised path (root first, the unit last), or nothing when unknown. */
export type PathOf = (unitId: string) => Promise<readonly string[] | null | undefined>;

/**
 * What a caller may reach: its own org unit and everything below it, i.e. every unit whose
 * materialised path contains the caller's unit (docs/adr/0012). Made only from a verified identity
 * (`Scope.of`) or, for work no caller asked for, from a stated reason (`Scope.system`).
 */
export class Scope {
  /** Units this scope has found reachable: a query of a collection owned by unit id may name them. */
  private readonly checked = new Set<string>();

  protected constructor(
    private readonly identity: Identity | undefined,
    /** Why a system scope exists (logged and audited as the actor); undefined for a caller. */
    readonly reason: string | undefined,
  ) {}

  static of(identity: Identity): Scope {
    return new Scope(identity, undefined);
  }

  /**
   * The named way out for work no caller asked for (event handlers, schedulers, migrations): reaches
   * every unit and unlocks `ScopedModel.unscoped`. Give the reason a reader of the code and the audit
   * log understands, e.g. `Scope.system('deadline scheduler: mark missing reports')`.
   */
  static system(reason: string): SystemScope {
    if (!reason.trim()) throw new Error('Scope.system needs a reason');
    return new SystemScopeImpl(reason);
  }

  get isSystem(): boolean {
    return this.identity === undefined;
  }

  /** The caller's org unit, the root of its subtree. A system scope has none. */
  get orgUnitId(): string {
    if (!this.identity) throw new Error(`system scope (${this.reason}) has no org unit`);
    return this.identity.orgUnitId;
  }

  /** The acting account: the caller, or `system:<reason>`. */
  get accountId(): string {
    return this.identity?.sub ?? `system:${this.reason}`;
  }

  /** Who acts, for audit records: the caller's identity, or `system:<reason>` attached to no unit. */
  get actor(): Identity {
    return this.identity ?? { sub: this.accountId, orgUnitId: '', roles: [] };
  }

  get roles(): readonly Role[] {
    return this.identity?.roles ?? [];
  }

  has(...roles: Role[]): boolean {
    return this.roles.some((r) => roles.includes(r));
  }

  /** Whether a unit with this materialised path lies in the subtree (a system scope reaches all). */
  reaches(path: readonly string[] | null | undefined): boolean {
    if (!this.identity) return true;
    const ok = Array.isArray(path) && path.includes(this.identity.orgUnitId);
    // A materialised path ends with its unit: that unit is now known to be reachable.
    if (ok) this.checked.add(path[path.length - 1] as string);
    return ok;
  }

  /** Whether this unit is known to be reachable without asking the read model: the caller's own or one checked before. */
  vouches(unitId: string): boolean {
    return !this.identity || unitId === this.identity.orgUnitId || this.checked.has(unitId);
  }

  /** The thing if its unit's path is reachable, else the one not-found problem (404), as for a missing one. */
  require<T>(found: T | null | undefined, path: (t: T) => readonly string[] | null | undefined, what?: Bilingual): T {
    if (found === null || found === undefined || !this.reaches(path(found))) throw notFoundProblem(what);
    return found;
  }

  /**
   * The unit a query is about: the caller's own when none is named; a named one outside the subtree
   * (or unknown to the read model) is a 404.
   */
  async unit(unitId: string | undefined, pathOf: PathOf, what: Bilingual = UNIT_NOT_FOUND): Promise<string> {
    if (unitId === undefined || (this.identity && unitId === this.identity.orgUnitId)) return unitId ?? this.orgUnitId;
    if (!this.reaches(await pathOf(unitId))) throw notFoundProblem(what);
    this.checked.add(unitId);
    return unitId;
  }

  /**
   * The ids of a unit's subtree (the unit included), for a query of a collection owned by unit id:
   * the unit as for `unit`, its descendants from the read model (`subtreeOf`).
   */
  async subtree(unitId: string | undefined, pathOf: PathOf, subtreeOf: (unitId: string) => Promise<string[]>, what?: Bilingual) {
    const unit = await this.unit(unitId, pathOf, what);
    const ids = [...new Set([unit, ...(await subtreeOf(unit))])];
    for (const id of ids) this.checked.add(id);
    return ids;
  }
}

/** Not exported: `Scope.system(reason)` is the only way to make one. */
class SystemScopeImpl extends Scope {
  private readonly systemBrand = true;

  constructor(reason: string) {
    super(undefined, reason);
    void this.systemBrand;
  }
}

/** A scope no caller asked for; only this type unlocks raw access to an org-owned collection. */
export type SystemScope = SystemScopeImpl;

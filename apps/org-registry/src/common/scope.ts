import type { Identity, Role } from '@pb/platform';
import { forbidden } from './problems.js';

export const ADMIN_ROLES: readonly Role[] = ['city-admin', 'county-admin'];

/**
 * What a caller may reach: its own org unit and everything below it (the unit's materialised path
 * contains the caller's unit). Built only from a verified identity, so a repository method that
 * takes a Scope cannot be called without one.
 */
export class Scope {
  private constructor(readonly identity: Identity) {}

  static of(identity: Identity): Scope {
    return new Scope(identity);
  }

  get orgUnitId(): string {
    return this.identity.orgUnitId;
  }

  get accountId(): string {
    return this.identity.sub;
  }

  /** Whether a unit with this path lies in the caller's subtree. */
  reaches(path: readonly string[]): boolean {
    return path.includes(this.identity.orgUnitId);
  }

  has(...roles: Role[]): boolean {
    return this.identity.roles.some((r) => roles.includes(r));
  }

  /** City and county administrators change the registry; other roles read it (403 otherwise). */
  requireAdmin(action: { zh: string; en: string }): void {
    if (!this.has(...ADMIN_ROLES)) throw forbidden(action);
  }
}

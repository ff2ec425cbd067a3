import { ROLES, type OrgUnitKind, type Role } from '@pb/platform';

/**
 * Which roles a caller may give to an account or an API key it creates. Nobody grants more than its
 * own standing: a county administrator cannot make a city administrator or an analyst (analysts
 * read the city's streams). Scope is separate: the new account's unit must lie in the caller's subtree.
 */
const GRANTS: Record<Role, readonly Role[]> = {
  'city-admin': ROLES,
  'county-admin': ['county-admin', 'school-secretary', 'inspector'],
  'school-secretary': ['school-secretary'],
  inspector: [],
  analyst: [],
};

export function grantableBy(callerRoles: readonly Role[]): Set<Role> {
  return new Set(callerRoles.flatMap((r) => GRANTS[r]));
}

/** The roles of `wanted` the caller may not grant (empty when all are fine). */
export function ungrantable(callerRoles: readonly Role[], wanted: readonly Role[]): Role[] {
  const allowed = grantableBy(callerRoles);
  return wanted.filter((r) => !allowed.has(r));
}

/**
 * Where an administrator role may be held: a city administrator at the city bureau, a county
 * administrator at a county bureau. Granting either on a school (or a unit inside one) would make a
 * school account administer accounts, units and reviews; no caller may, a city administrator included.
 */
const ADMIN_UNIT_KINDS: Partial<Record<Role, readonly OrgUnitKind[]>> = {
  'city-admin': ['city-bureau'],
  'county-admin': ['county-bureau'],
};

/** The roles of `wanted` that cannot be held at a unit of `kind` (empty when all fit). */
export function misplacedAt(kind: OrgUnitKind, wanted: readonly Role[]): Role[] {
  return wanted.filter((r) => ADMIN_UNIT_KINDS[r] && !ADMIN_UNIT_KINDS[r].includes(kind));
}

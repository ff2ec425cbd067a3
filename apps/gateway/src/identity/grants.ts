import { ROLES, type Role } from '@pb/platform';

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

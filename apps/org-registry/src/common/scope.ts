import type { Bilingual, Role, Scope } from '@pb/platform';
import { forbidden } from './problems.js';

/** The scope rule is the platform's (`Scope` in libs/platform/src/scope, docs/adr/0012); re-exported for the controllers. */
export { Scope } from '@pb/platform';

export const ADMIN_ROLES: readonly Role[] = ['city-admin', 'county-admin'];

/** City and county administrators change the registry; other roles read it (403 otherwise). */
export function requireAdmin(scope: Scope, action: Bilingual): void {
  if (!scope.has(...ADMIN_ROLES)) throw forbidden(action);
}

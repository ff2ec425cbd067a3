import { SetMetadata } from '@nestjs/common';
import { ROLES, type Role } from './identity.js';

export const ROLES_KEY = 'pb:roles';

/**
 * The roles that may call a route (others get 403). Every route that is not @Public() declares its
 * roles (the `pb/route-auth` lint rule enforces it); the OpenAPI document lists them as `x-roles` (from the route table's entry, http/openapi.ts).
 */
export const Roles = (...roles: [Role, ...Role[]]) => SetMetadata(ROLES_KEY, roles);

/** Every role: routes any authenticated caller may use (the caller's own identity, logout). */
export const ALL_ROLES: [Role, ...Role[]] = [...ROLES];

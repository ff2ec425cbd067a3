import { SignJWT, jwtVerify } from 'jose';

export const ROLES = ['city-admin', 'county-admin', 'school-secretary', 'inspector', 'analyst'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: an account attached to one org unit, with roles. */
export interface Identity {
  sub: string;
  orgUnitId: string;
  roles: Role[];
}

export const INTERNAL_IDENTITY_HEADER = 'x-pb-identity';
const INTERNAL_AUDIENCE = 'pb-internal';
const INTERNAL_ISSUER = 'pb-gateway';

function key(secret: string) {
  return new TextEncoder().encode(secret);
}

function toIdentity(payload: Record<string, unknown>): Identity {
  const { sub, org, roles } = payload;
  if (typeof sub !== 'string' || typeof org !== 'string' || !Array.isArray(roles)) throw new Error('identity claims missing');
  const known = roles.filter((r): r is Role => (ROLES as readonly unknown[]).includes(r));
  return { sub, orgUnitId: org, roles: known };
}

/** Short-lived token the gateway forwards to a service with the verified identity (ARCHITECTURE.md §2). */
export function signInternalToken(identity: Identity, secret: string, ttlSeconds = 60): Promise<string> {
  return new SignJWT({ org: identity.orgUnitId, roles: identity.roles })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(identity.sub)
    .setIssuer(INTERNAL_ISSUER)
    .setAudience(INTERNAL_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(key(secret));
}

export async function verifyInternalToken(token: string, secret: string): Promise<Identity> {
  const { payload } = await jwtVerify(token, key(secret), {
    algorithms: ['HS256'],
    issuer: INTERNAL_ISSUER,
    audience: INTERNAL_AUDIENCE,
  });
  return toIdentity(payload);
}

export const ACCESS_AUDIENCE = 'pb-api';
export const ACCESS_ISSUER = 'pb-gateway';

/** Access token the gateway issues to callers. */
export function signAccessToken(identity: Identity, secret: string, ttlSeconds = 900): Promise<string> {
  return new SignJWT({ org: identity.orgUnitId, roles: identity.roles })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(identity.sub)
    .setIssuer(ACCESS_ISSUER)
    .setAudience(ACCESS_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(key(secret));
}

export async function verifyAccessToken(token: string, secret: string): Promise<Identity> {
  const { payload } = await jwtVerify(token, key(secret), {
    algorithms: ['HS256'],
    issuer: ACCESS_ISSUER,
    audience: ACCESS_AUDIENCE,
  });
  return toIdentity(payload);
}

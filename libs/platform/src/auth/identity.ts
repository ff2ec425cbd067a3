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

interface TokenKind {
  issuer: string;
  audience: string;
}

/** The identity the gateway forwards to services (ARCHITECTURE.md §2). */
const INTERNAL: TokenKind = { issuer: INTERNAL_ISSUER, audience: INTERNAL_AUDIENCE };

export const ACCESS_AUDIENCE = 'pb-api';
export const ACCESS_ISSUER = 'pb-gateway';
/** Access tokens the gateway issues to callers. */
const ACCESS: TokenKind = { issuer: ACCESS_ISSUER, audience: ACCESS_AUDIENCE };

function sign(kind: TokenKind, identity: Identity, secret: string, ttlSeconds: number): Promise<string> {
  return new SignJWT({ org: identity.orgUnitId, roles: identity.roles })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(identity.sub)
    .setIssuer(kind.issuer)
    .setAudience(kind.audience)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(key(secret));
}

/** Only HS256 is accepted: `alg: none` and algorithm confusion fail verification. */
async function verify(kind: TokenKind, token: string, secret: string): Promise<Identity> {
  const { payload } = await jwtVerify(token, key(secret), { algorithms: ['HS256'], ...kind });
  return toIdentity(payload);
}

export const signInternalToken = (identity: Identity, secret: string, ttlSeconds = 60) => sign(INTERNAL, identity, secret, ttlSeconds);
export const verifyInternalToken = (token: string, secret: string) => verify(INTERNAL, token, secret);
export const signAccessToken = (identity: Identity, secret: string, ttlSeconds = 900) => sign(ACCESS, identity, secret, ttlSeconds);
export const verifyAccessToken = (token: string, secret: string) => verify(ACCESS, token, secret);

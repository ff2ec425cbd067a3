import { SignJWT, jwtVerify } from 'jose';

import { ROLES, type Role } from '@pb/contracts';

export { ROLES, type Role };

/** Who is calling: an account attached to one org unit, with roles. */
export interface Identity {
  sub: string;
  orgUnitId: string;
  roles: Role[];
  /**
   * The refresh session an access token was issued in (`sid` claim): the gateway refuses the token once
   * that session is revoked (logout, a replayed refresh token, a disabled account). Absent on API keys,
   * OIDC tokens and forwarded identities.
   */
  sid?: string;
}

export const INTERNAL_IDENTITY_HEADER = 'x-pb-identity';
const INTERNAL_AUDIENCE = 'pb-internal';
const INTERNAL_ISSUER = 'pb-gateway';

function key(secret: string) {
  return new TextEncoder().encode(secret);
}

function toIdentity(payload: Record<string, unknown>): Identity {
  const { sub, org, roles, sid } = payload;
  if (typeof sub !== 'string' || typeof org !== 'string' || !Array.isArray(roles)) throw new Error('identity claims missing');
  if (sid !== undefined && typeof sid !== 'string') throw new Error('sid claim is not a string');
  const known = roles.filter((r): r is Role => (ROLES as readonly unknown[]).includes(r));
  return { sub, orgUnitId: org, roles: known, ...(sid ? { sid } : {}) };
}

/**
 * Claims every token must carry, whoever verifies it: without `exp` a token would never expire, without
 * `iat` its age is unknown, without `aud` it could be a token meant for another audience.
 */
export const REQUIRED_CLAIMS = ['exp', 'iat', 'aud'] as const;

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
  // The session is the gateway's business: a forwarded identity does not carry it.
  const sid = kind === ACCESS && identity.sid ? { sid: identity.sid } : {};
  return new SignJWT({ org: identity.orgUnitId, roles: identity.roles, ...sid })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(identity.sub)
    .setIssuer(kind.issuer)
    .setAudience(kind.audience)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(key(secret));
}

/**
 * Tokens already verified, until they expire: a client sends the same token for minutes, and an HMAC
 * check through WebCrypto costs more than the rest of a cheap request. Keyed by kind, secret and the
 * exact token string, so only a token that passed verification under this very key is ever found.
 */
const verified = new Map<string, { identity: Identity; expiresAtMs: number }>();
const VERIFIED_MAX = 10_000;

/** Only HS256 is accepted: `alg: none` and algorithm confusion fail verification; `exp`, `iat` and `aud` are required. */
async function verify(kind: TokenKind, token: string, secret: string): Promise<Identity> {
  const cacheKey = `${kind.audience}\u0000${secret}\u0000${token}`;
  const hit = verified.get(cacheKey);
  if (hit && hit.expiresAtMs > Date.now()) return hit.identity;
  if (hit) verified.delete(cacheKey);
  const { payload } = await jwtVerify(token, key(secret), { algorithms: ['HS256'], requiredClaims: [...REQUIRED_CLAIMS], ...kind });
  const identity = toIdentity(payload);
  if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value!);
  verified.set(cacheKey, { identity, expiresAtMs: payload.exp! * 1000 });
  return identity;
}

export const signInternalToken = (identity: Identity, secret: string, ttlSeconds = 60) => sign(INTERNAL, identity, secret, ttlSeconds);
export const verifyInternalToken = (token: string, secret: string) => verify(INTERNAL, token, secret);
export const signAccessToken = (identity: Identity, secret: string, ttlSeconds = 900) => sign(ACCESS, identity, secret, ttlSeconds);
export const verifyAccessToken = (token: string, secret: string) => verify(ACCESS, token, secret);

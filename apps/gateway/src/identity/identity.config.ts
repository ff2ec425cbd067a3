export const IDENTITY_CONFIG = Symbol('IDENTITY_CONFIG');

/** What the identity module needs from the gateway's validated config. */
export interface IdentityConfig {
  jwtSecret: string;
  accessTtlS: number;
  refreshTtlS: number;
  /** SESSION_REVOCATION_CACHE_MS: how long a session's revocation state is kept before the store is read again. */
  revocationCacheMs: number;
  throttle: { perAccount: number; perIp: number; windowS: number };
  bootstrap?: { username: string; password: string; orgUnitId: string };
  oidc?: { jwksUrl: string; issuer: string; audience?: string; claimAccount: string };
}

import { Inject, Injectable } from '@nestjs/common';
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { REQUIRED_CLAIMS } from '@pb/platform';
import { IDENTITY_CONFIG, type IdentityConfig } from '../identity.config.js';

/**
 * External OIDC access tokens: signature checked against the provider's JWKS (fetched and cached by
 * jose, refreshed on an unknown `kid`), issuer, audience and expiry checked (`exp`, `iat`, `aud` required), and the configured claim
 * (OIDC_CLAIM_ACCOUNT) names the local account whose unit and roles apply. Roles never come from the
 * provider: the bureau decides them here.
 */
@Injectable()
export class OidcVerifier {
  private readonly jwks?: JWTVerifyGetKey;

  constructor(@Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig) {
    if (config.oidc) this.jwks = createRemoteJWKSet(new URL(config.oidc.jwksUrl), { timeoutDuration: 3_000, cooldownDuration: 30_000 });
  }

  get issuer(): string | undefined {
    return this.config.oidc?.issuer;
  }

  /** The username the token names, or a throw when the token does not verify. */
  async usernameOf(token: string): Promise<string> {
    const oidc = this.config.oidc;
    if (!oidc || !this.jwks) throw new Error('OIDC is not configured');
    const { payload } = await jwtVerify(token, this.jwks, {
      issuer: oidc.issuer,
      ...(oidc.audience ? { audience: oidc.audience } : {}),
      algorithms: ['RS256', 'PS256', 'ES256', 'EdDSA'],
      requiredClaims: [...REQUIRED_CLAIMS],
    });
    const value = payload[oidc.claimAccount];
    if (typeof value !== 'string' || value.length === 0) throw new Error(`OIDC token has no ${oidc.claimAccount} claim`);
    return value;
  }
}

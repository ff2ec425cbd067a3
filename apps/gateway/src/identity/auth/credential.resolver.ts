import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { decodeJwt } from 'jose';
import { verifyAccessToken, type Identity, type IdentityResolver } from '@pb/platform';
import { AccountsService } from '../accounts/accounts.service.js';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { AuditService } from '../../audit/audit.service.js';
import { IDENTITY_CONFIG, type IdentityConfig } from '../identity.config.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { OidcVerifier } from './oidc.verifier.js';

const BEARER = /^Bearer ([A-Za-z0-9._-]+)$/;
const API_KEY_AUTH = /^ApiKey (\S+)$/;

/**
 * Who is calling, from one of three credentials: `x-api-key` (or `Authorization: ApiKey ...`), a
 * bearer access token this gateway issued (whose session is not revoked), or a bearer token of the
 * configured OIDC provider.
 */
@Injectable()
export class CredentialResolver implements IdentityResolver {
  constructor(
    @Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig,
    private readonly apiKeys: ApiKeysService,
    private readonly accounts: AccountsService,
    private readonly oidc: OidcVerifier,
    private readonly audit: AuditService,
    private readonly sessions: SessionsService,
  ) {}

  async resolve(req: FastifyRequest): Promise<Identity> {
    const header = req.headers['x-api-key'];
    const authorization = req.headers.authorization ?? '';
    if (typeof header === 'string') return this.apiKeys.authenticate(header, req.ip, req.id);
    const apiKey = API_KEY_AUTH.exec(authorization);
    if (apiKey?.[1]) return this.apiKeys.authenticate(apiKey[1], req.ip, req.id);
    const bearer = BEARER.exec(authorization)?.[1];
    if (!bearer) throw new Error('no credentials');
    if (this.oidc.issuer && decodeJwt(bearer).iss === this.oidc.issuer) return this.fromOidc(bearer, req);
    const identity = await verifyAccessToken(bearer, this.config.jwtSecret);
    // Logout, a replayed refresh token or a disabled account ends the session's access tokens too.
    if (identity.sid && (await this.sessions.isRevoked(identity.sid))) throw new Error('the session of this access token has ended');
    return identity;
  }

  private async fromOidc(token: string, req: FastifyRequest): Promise<Identity> {
    const username = await this.oidc.usernameOf(token);
    const account = await this.accounts.findByUsername(username);
    if (!account || account.disabled) {
      await this.audit.recordAuth({
        action: 'auth.oidc-refused',
        unitId: account?.orgUnitId ?? null,
        actor: null,
        ip: req.ip,
        correlationId: req.id,
        detail: { username, reason: account ? 'disabled' : 'no such account' },
      });
      throw new Error('OIDC token names no active account');
    }
    return { sub: account._id, orgUnitId: account.orgUnitId, roles: account.roles };
  }
}

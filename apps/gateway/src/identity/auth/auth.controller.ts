import { Controller, Inject } from '@nestjs/common';
import { Routes } from '@pb/contracts';
import { problem, signAccessToken, type Identity, Handle, Call, type RouteCall } from '@pb/platform';
import { AuditService } from '../../audit/audit.service.js';
import { AccountsService } from '../accounts/accounts.service.js';
import type { Account } from '../accounts/account.schema.js';
import { IDENTITY_CONFIG, type IdentityConfig } from '../identity.config.js';
import { verifyPassword } from '../passwords.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { LoginThrottle } from './login-throttle.js';

const invalidCredentials = () => problem.invalidCredentials();
const invalidRefresh = () => problem.invalidRefreshToken();

const identityOf = (a: Account): Identity => ({ sub: a._id, orgUnitId: a.orgUnitId, roles: a.roles });

@Controller()
export class AuthController {
  constructor(
    @Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig,
    private readonly accounts: AccountsService,
    private readonly sessions: SessionsService,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditService,
  ) {}

  /** The access token names its session (`sid`): revoking the session ends it too (docs/adr/0017). */
  private async tokens(account: Account, session: { sessionId: string; refreshToken: string }) {
    const { sessionId: sid, refreshToken } = session;
    return {
      accessToken: await signAccessToken({ ...identityOf(account), sid }, this.config.jwtSecret, this.config.accessTtlS),
      tokenType: 'Bearer' as const,
      expiresIn: this.config.accessTtlS,
      refreshToken,
      refreshExpiresIn: this.config.refreshTtlS,
    };
  }

  @Handle(Routes.postAuthLogin)
  async login(@Call() call: RouteCall<typeof Routes.postAuthLogin>) {
    const username = call.body.username.toLowerCase();
    const wait = await this.throttle.blockedFor(username, call.request.ip);
    if (wait > 0) {
      await this.audit.recordAuth({
        action: 'auth.login-throttled',
        unitId: null,
        actor: null,
        ip: call.request.ip,
        correlationId: call.requestId,
        detail: { username },
      });
      throw problem.loginThrottled({ zh: `请在 ${wait} 秒后重试`, en: `retry in ${wait} s` }, [], { 'retry-after': String(wait) });
    }
    const account = await this.accounts.findByUsername(username);
    const ok = await verifyPassword(account?.passwordHash, call.body.password);
    if (!account || !ok || account.disabled) {
      await this.throttle.recordFailure(username, call.request.ip);
      await this.audit.recordAuth({
        action: 'auth.login-failed',
        unitId: account?.orgUnitId ?? null,
        actor: null,
        ...(account ? { resource: { type: 'account', id: account._id } } : {}),
        ip: call.request.ip,
        correlationId: call.requestId,
        detail: { username, reason: !account ? 'no such account' : !ok ? 'wrong password' : 'disabled' },
      });
      throw invalidCredentials();
    }
    await this.throttle.recordSuccess(username);
    const session = await this.sessions.open(account._id);
    await this.audit.recordAuth({
      action: 'auth.login',
      unitId: account.orgUnitId,
      actor: identityOf(account),
      resource: { type: 'account', id: account._id },
      ip: call.request.ip,
      correlationId: call.requestId,
    });
    return this.tokens(account, session);
  }

  @Handle(Routes.postAuthRefresh)
  async refresh(@Call() call: RouteCall<typeof Routes.postAuthRefresh>) {
    const outcome = await this.sessions.rotate(call.body.refreshToken);
    if (!outcome.ok) {
      if (outcome.reason === 'reused') {
        await this.audit.recordAuth({
          action: 'auth.refresh-reused',
          unitId: null,
          actor: null,
          ip: call.request.ip,
          correlationId: call.requestId,
        });
      }
      throw invalidRefresh();
    }
    const account = await this.accounts.findById(outcome.accountId);
    if (!account || account.disabled) throw invalidRefresh();
    return this.tokens(account, outcome);
  }

  @Handle(Routes.postAuthLogout)
  async logout(@Call() call: RouteCall<typeof Routes.postAuthLogout>) {
    if (await this.sessions.revoke(call.body.refreshToken, call.identity.sub)) {
      await this.audit.recordAuth({
        action: 'auth.logout',
        unitId: call.identity.orgUnitId,
        actor: call.identity,
        resource: { type: 'account', id: call.identity.sub },
        ip: call.request.ip,
        correlationId: call.requestId,
      });
    }
  }
}

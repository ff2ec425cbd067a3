import { Body, Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { LoginSchema, RefreshSchema, TokenPairSchema, type LoginDto, type RefreshDto } from '@pb/contracts';
import { ALL_ROLES, CurrentIdentity, problem, Public, Roles, SchemaPipe, signAccessToken, type Identity } from '@pb/platform';
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

@ApiTags('auth 认证')
@Controller('api/v1/auth')
export class AuthController {
  constructor(
    @Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig,
    private readonly accounts: AccountsService,
    private readonly sessions: SessionsService,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditService,
  ) {}

  private async tokens(account: Account, refreshToken: string) {
    return {
      accessToken: await signAccessToken(identityOf(account), this.config.jwtSecret, this.config.accessTtlS),
      tokenType: 'Bearer' as const,
      expiresIn: this.config.accessTtlS,
      refreshToken,
      refreshExpiresIn: this.config.refreshTtlS,
    };
  }

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Log in with username and password 账号密码登录',
    description:
      'Returns a short-lived access token (Bearer) and a single-use refresh token. Repeated failures for one account or from one ' +
      'address answer 429 with Retry-After. 返回短期访问令牌与一次性刷新令牌；同一账号或地址多次失败后返回 429。',
  })
  @ApiBody({ schema: LoginSchema as object })
  @ApiResponse({ status: 200, schema: TokenPairSchema as object, description: 'Logged in 已登录' })
  @ApiResponse({ status: 401, description: 'Wrong username or password 账号或密码错误' })
  async login(@Body(new SchemaPipe<LoginDto>(LoginSchema)) body: LoginDto, @Req() req: FastifyRequest) {
    const username = body.username.toLowerCase();
    const wait = await this.throttle.blockedFor(username, req.ip);
    if (wait > 0) {
      await this.audit.recordAuth({
        action: 'auth.login-throttled',
        unitId: null,
        actor: null,
        ip: req.ip,
        correlationId: req.id,
        detail: { username },
      });
      throw problem.loginThrottled({ zh: `请在 ${wait} 秒后重试`, en: `retry in ${wait} s` }, [], { 'retry-after': String(wait) });
    }
    const account = await this.accounts.findByUsername(username);
    const ok = await verifyPassword(account?.passwordHash, body.password);
    if (!account || !ok || account.disabled) {
      await this.throttle.recordFailure(username, req.ip);
      await this.audit.recordAuth({
        action: 'auth.login-failed',
        unitId: account?.orgUnitId ?? null,
        actor: null,
        ...(account ? { resource: { type: 'account', id: account._id } } : {}),
        ip: req.ip,
        correlationId: req.id,
        detail: { username, reason: !account ? 'no such account' : !ok ? 'wrong password' : 'disabled' },
      });
      throw invalidCredentials();
    }
    await this.throttle.recordSuccess(username);
    const refreshToken = await this.sessions.open(account._id);
    await this.audit.recordAuth({
      action: 'auth.login',
      unitId: account.orgUnitId,
      actor: identityOf(account),
      resource: { type: 'account', id: account._id },
      ip: req.ip,
      correlationId: req.id,
    });
    return this.tokens(account, refreshToken);
  }

  @Post('refresh')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Exchange a refresh token for new tokens 刷新令牌',
    description:
      'Each refresh token works once and returns the next one. Reusing an old one ends the whole session. ' +
      '每个刷新令牌只能使用一次；重复使用旧令牌将结束整个会话。',
  })
  @ApiBody({ schema: RefreshSchema as object })
  @ApiResponse({ status: 200, schema: TokenPairSchema as object, description: 'New tokens 新令牌' })
  @ApiResponse({ status: 401, description: 'Invalid, used or logged-out refresh token 刷新令牌无效' })
  async refresh(@Body(new SchemaPipe<RefreshDto>(RefreshSchema)) body: RefreshDto, @Req() req: FastifyRequest) {
    const outcome = await this.sessions.rotate(body.refreshToken);
    if (!outcome.ok) {
      if (outcome.reason === 'reused') {
        await this.audit.recordAuth({ action: 'auth.refresh-reused', unitId: null, actor: null, ip: req.ip, correlationId: req.id });
      }
      throw invalidRefresh();
    }
    const account = await this.accounts.findById(outcome.accountId);
    if (!account || account.disabled) throw invalidRefresh();
    return this.tokens(account, outcome.refreshToken);
  }

  @Post('logout')
  @Roles(...ALL_ROLES)
  @HttpCode(204)
  @ApiOperation({
    summary: 'Log out: end the session of a refresh token 登出',
    description: 'The refresh token stops working at once; the access token expires on its own within minutes. 刷新令牌立即失效。',
  })
  @ApiBody({ schema: RefreshSchema as object })
  @ApiResponse({ status: 204, description: 'Logged out 已登出' })
  async logout(
    @Body(new SchemaPipe<RefreshDto>(RefreshSchema)) body: RefreshDto,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
  ) {
    if (await this.sessions.revoke(body.refreshToken, caller.sub)) {
      await this.audit.recordAuth({
        action: 'auth.logout',
        unitId: caller.orgUnitId,
        actor: caller,
        resource: { type: 'account', id: caller.sub },
        ip: req.ip,
        correlationId: req.id,
      });
    }
  }
}

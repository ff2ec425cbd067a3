import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ProblemException } from '../http/problem.js';
import { RateLimitGuard } from '../http/rate-limit.guard.js';
import { AuthGuard, type AuthenticatedRequest } from './auth.guard.js';
import { signAccessToken, type Identity } from './identity.js';
import { Public } from './public.decorator.js';
import { ALL_ROLES, Roles } from './roles.decorator.js';

const secret = 'g'.repeat(40);

class Routes {
  @Public()
  open() {}
  @Roles('city-admin', 'county-admin')
  admins() {}
  @Roles(...ALL_ROLES)
  anyone() {}
}

function context(handler: keyof Routes, headers: Record<string, string> = {}, reply = { header: () => reply }) {
  const req = { headers, ip: '10.0.0.1' } as unknown as AuthenticatedRequest;
  return {
    req,
    ctx: {
      getType: () => 'http',
      getHandler: () => Routes.prototype[handler],
      getClass: () => Routes,
      switchToHttp: () => ({ getRequest: () => req, getResponse: () => reply }),
    } as unknown as ExecutionContext,
  };
}

const bearer = async (who: Identity) => ({ authorization: `Bearer ${await signAccessToken(who, secret)}` });
const guard = new AuthGuard(new Reflector(), { mode: 'gateway', secret });

describe('AuthGuard', () => {
  it('lets a public route through without credentials', async () => {
    expect(await guard.canActivate(context('open').ctx)).toBe(true);
  });

  it('answers 401 without credentials on any other route', async () => {
    await expect(guard.canActivate(context('anyone').ctx)).rejects.toBeInstanceOf(UnauthorizedException);
  });

  it('admits the roles a route declares and refuses others with 403', async () => {
    const admin = context('admins', await bearer({ sub: 'a', orgUnitId: 'c', roles: ['county-admin'] }));
    expect(await guard.canActivate(admin.ctx)).toBe(true);
    expect(admin.req.identity?.sub).toBe('a');
    const secretary = context('admins', await bearer({ sub: 's', orgUnitId: 'x', roles: ['school-secretary'] }));
    const refused = await guard.canActivate(secretary.ctx).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ProblemException);
    expect((refused as ProblemException).getStatus()).toBe(403);
  });

  it('uses the identity resolver when one is given (API keys, OIDC)', async () => {
    const resolved: Identity = { sub: 'api-key:1', orgUnitId: 'school', roles: ['school-secretary'] };
    const withResolver = new AuthGuard(new Reflector(), { mode: 'gateway', secret }, { resolve: () => Promise.resolve(resolved) });
    const { req, ctx } = context('anyone', { 'x-api-key': 'pbk_x' });
    expect(await withResolver.canActivate(ctx)).toBe(true);
    expect(req.identity).toBe(resolved);
  });
});

describe('RateLimitGuard', () => {
  it('counts per account, answers 429 with Retry-After past the limit, and starts again after the window', async () => {
    const limiter = new RateLimitGuard(new Reflector(), { limit: 3, windowMs: 200 });
    const { req, ctx } = context('anyone');
    req.identity = { sub: 'busy', orgUnitId: 'x', roles: ['analyst'] };
    for (let i = 0; i < 3; i++) expect(limiter.canActivate(ctx)).toBe(true);
    let refused: unknown;
    try {
      limiter.canActivate(ctx);
    } catch (err) {
      refused = err;
    }
    expect((refused as ProblemException).getStatus()).toBe(429);
    expect((refused as ProblemException).headers['retry-after']).toBe('1');
    const other = context('anyone');
    other.req.identity = { sub: 'calm', orgUnitId: 'x', roles: ['analyst'] };
    expect(limiter.canActivate(other.ctx)).toBe(true);
    await new Promise((r) => setTimeout(r, 250));
    expect(limiter.canActivate(ctx)).toBe(true);
  });
});

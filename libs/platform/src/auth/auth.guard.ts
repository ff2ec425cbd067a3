import { type CanActivate, type ExecutionContext, Inject, Injectable, Optional, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ProblemException, problem } from '../http/problem.js';
import { IS_PUBLIC } from './public.decorator.js';
import { ROLES_KEY } from './roles.decorator.js';
import { INTERNAL_IDENTITY_HEADER, verifyAccessToken, verifyInternalToken, type Identity, type Role } from './identity.js';

export const AUTH_OPTIONS = Symbol('AUTH_OPTIONS');
/** Optional provider of the gateway: resolves the caller from bearer tokens, API keys or OIDC tokens. */
export const IDENTITY_RESOLVER = Symbol('IDENTITY_RESOLVER');

export interface AuthOptions {
  /** `gateway`: Bearer access tokens from callers. `service`: the gateway's forwarded identity. */
  mode: 'gateway' | 'service';
  secret: string;
}

/** Turns a request's credentials into an identity, or throws (the guard answers 401). */
export interface IdentityResolver {
  resolve(req: FastifyRequest): Promise<Identity>;
}

export type AuthenticatedRequest = FastifyRequest & { identity?: Identity };

const BEARER = /^Bearer ([A-Za-z0-9._-]+)$/;

/**
 * Global guard: every HTTP route needs a verified identity unless marked @Public(), and the identity
 * must hold one of the route's @Roles() (403 otherwise). Object scope is checked by the owner (404).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(AUTH_OPTIONS) private readonly options: AuthOptions,
    @Optional() @Inject(IDENTITY_RESOLVER) private readonly resolver?: IdentityResolver,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true; // Kafka handlers are trusted by topic ACLs, not tokens
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    req.identity = await this.authenticate(req);
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !req.identity.roles.some((r) => roles.includes(r))) {
      throw problem.forbiddenRole();
    }
    return true;
  }

  private async authenticate(req: FastifyRequest): Promise<Identity> {
    try {
      if (this.options.mode === 'gateway') {
        if (this.resolver) return await this.resolver.resolve(req);
        const match = BEARER.exec(req.headers.authorization ?? '');
        if (!match?.[1]) throw new Error('missing bearer token');
        return await verifyAccessToken(match[1], this.options.secret);
      }
      const token = req.headers[INTERNAL_IDENTITY_HEADER];
      if (typeof token !== 'string') throw new Error('missing forwarded identity');
      return await verifyInternalToken(token, this.options.secret);
    } catch (err) {
      if (err instanceof ProblemException) throw err; // e.g. 429 from the resolver
      throw new UnauthorizedException({ zh: '未认证或凭证无效', en: 'not authenticated or invalid credentials' });
    }
  }
}

import { type CanActivate, type ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { IS_PUBLIC } from './public.decorator.js';
import { INTERNAL_IDENTITY_HEADER, verifyAccessToken, verifyInternalToken, type Identity } from './identity.js';

export const AUTH_OPTIONS = Symbol('AUTH_OPTIONS');

export interface AuthOptions {
  /** `gateway`: Bearer access tokens from callers. `service`: the gateway's forwarded identity. */
  mode: 'gateway' | 'service';
  secret: string;
}

export type AuthenticatedRequest = FastifyRequest & { identity?: Identity };

/** Global guard: every HTTP route needs a verified identity unless marked @Public(). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(AUTH_OPTIONS) private readonly options: AuthOptions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true; // Kafka handlers are trusted by topic ACLs, not tokens
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (isPublic) return true;
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    try {
      if (this.options.mode === 'gateway') {
        const header = req.headers.authorization ?? '';
        const match = /^Bearer ([A-Za-z0-9._-]+)$/.exec(header);
        if (!match?.[1]) throw new Error('missing bearer token');
        req.identity = await verifyAccessToken(match[1], this.options.secret);
      } else {
        const token = req.headers[INTERNAL_IDENTITY_HEADER];
        if (typeof token !== 'string') throw new Error('missing forwarded identity');
        req.identity = await verifyInternalToken(token, this.options.secret);
      }
      return true;
    } catch {
      throw new UnauthorizedException({ zh: '未認證或憑證無效', en: 'not authenticated or invalid credentials' });
    }
  }
}

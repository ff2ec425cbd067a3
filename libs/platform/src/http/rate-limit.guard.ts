import { type CanActivate, type ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import type { AuthenticatedRequest } from '../auth/auth.guard.js';
import { problem } from './problem.js';

export const RATE_LIMIT_OPTIONS = Symbol('RATE_LIMIT_OPTIONS');
const SKIP = 'pb:skipRateLimit';

export interface RateLimitOptions {
  /** Requests per caller per window. */
  limit: number;
  windowMs: number;
}

/** Exempts probes (health, metrics) from the per-caller limit. */
export const SkipRateLimit = () => SetMetadata(SKIP, true);

interface Window {
  count: number;
  resetAt: number;
}

/**
 * Per-account rate limit (per IP before authentication), a fixed window in this process's memory.
 * Runs after the AuthGuard, so the key is the verified account. Each gateway replica counts on its
 * own: with N replicas behind a balancer the effective limit is up to N times the setting (ADR 0007).
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly windows = new Map<string, Window>();
  private lastSweep = Date.now();

  constructor(
    private readonly reflector: Reflector,
    @Inject(RATE_LIMIT_OPTIONS) private readonly options: RateLimitOptions,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    if (this.reflector.getAllAndOverride<boolean>(SKIP, [context.getHandler(), context.getClass()])) return true;
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const key = req.identity ? `sub:${req.identity.sub}` : `ip:${req.ip}`;
    const now = Date.now();
    this.sweep(now);
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      w = { count: 0, resetAt: now + this.options.windowMs };
      this.windows.set(key, w);
    }
    w.count += 1;
    const resetSeconds = Math.max(1, Math.ceil((w.resetAt - now) / 1000));
    void reply.header('ratelimit-limit', String(this.options.limit));
    void reply.header('ratelimit-remaining', String(Math.max(0, this.options.limit - w.count)));
    void reply.header('ratelimit-reset', String(resetSeconds));
    if (w.count > this.options.limit) {
      throw problem.rateLimited({ zh: `请在 ${resetSeconds} 秒后重试`, en: `retry in ${resetSeconds} s` }, [], {
        'retry-after': String(resetSeconds),
      });
    }
    return true;
  }

  private sweep(now: number) {
    if (now - this.lastSweep < this.options.windowMs) return;
    this.lastSweep = now;
    for (const [key, w] of this.windows) if (w.resetAt <= now) this.windows.delete(key);
  }
}

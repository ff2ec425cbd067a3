import { Controller, Get, Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, type HealthIndicatorResult } from '@nestjs/terminus';
import { Public } from '../auth/public.decorator.js';
import { SkipRateLimit } from '../http/rate-limit.guard.js';

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
export type ReadinessCheck = () => Promise<HealthIndicatorResult>;

/** Set when SIGTERM arrives, so readiness fails and the load balancer stops sending work. */
@Injectable()
export class Lifecycle {
  shuttingDown = false;
}

/** Liveness (the process answers) and readiness (store and broker reachable) apart, for Kubernetes probes. */
@ApiExcludeController()
@SkipRateLimit()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly lifecycle: Lifecycle,
    @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[],
  ) {}

  @Public()
  @Get('live')
  live() {
    return { status: 'ok' };
  }

  @Public()
  @Get('ready')
  @HealthCheck()
  ready() {
    if (this.lifecycle.shuttingDown) throw new ServiceUnavailableException({ zh: '服务正在关闭', en: 'shutting down' });
    return this.health.check(this.checks);
  }
}

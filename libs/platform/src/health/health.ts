import { Controller, Get, Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { Public } from '../auth/public.decorator.js';
import { problem } from '../http/problem.js';
import { InfrastructureController } from '../http/infrastructure.js';
import { SkipRateLimit } from '../http/rate-limit.guard.js';
import { DependencyWatch } from './dependency-watch.js';

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
export type ReadinessCheck = () => Promise<HealthIndicatorResult>;

/**
 * When readiness lets a dependency fail it (docs/adr/0024): the store after `storeOutageMs` without
 * an answer, the broker after `brokerOutageMs` (0: never; the outbox holds events meanwhile).
 */
export interface ReadinessPolicy {
  storeOutageMs: number;
  brokerOutageMs: number;
}
export const DEFAULT_READINESS_POLICY: ReadinessPolicy = { storeOutageMs: 10_000, brokerOutageMs: 0 };

/** Set when SIGTERM arrives, so readiness fails and the load balancer stops sending work. */
@Injectable()
export class Lifecycle {
  shuttingDown = false;
}

/** The background probes of the instance's dependencies, started with the app and stopped with it. */
@Injectable()
export class DependencyWatches implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly watches: DependencyWatch[] = [];

  add(watch: DependencyWatch): DependencyWatch {
    this.watches.push(watch);
    return watch;
  }

  onApplicationBootstrap() {
    for (const w of this.watches) w.start();
  }

  onApplicationShutdown() {
    for (const w of this.watches) w.stop();
  }
}

/** A readiness check answering from a watch's last probe (never a round trip of its own). */
export function watchedCheck(health: HealthIndicatorService, watch: DependencyWatch): ReadinessCheck {
  return async () => {
    const state = await watch.state();
    const indicator = health.check(watch.name);
    const details = { ...state.details, ...(state.reachable ? {} : { reachable: false }) };
    return state.ready ? indicator.up(details) : indicator.down(details);
  };
}

/**
 * Liveness (the process answers: restart it when not) and readiness (it can serve: send it work)
 * apart, for Kubernetes probes. Readiness fails at once on SIGTERM, and on its dependencies only
 * after their outage has lasted (docs/adr/0024).
 */
@InfrastructureController()
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
  // Not in the API document (InfrastructureController), so no swagger decorators: with its default,
  // terminus would load @nestjs/swagger into every service for them (docs/adr/0027).
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  ready() {
    if (this.lifecycle.shuttingDown) throw shuttingDownProblem();
    return this.health.check(this.checks);
  }
}

/** The 503 problem+json of an instance that is shutting down: another replica answers. */
export function shuttingDownProblem() {
  return problem.shuttingDown(
    { zh: '该实例正在关闭，请重试（将由其他实例处理）', en: 'This instance is shutting down; retry (another replica answers)' },
    [],
    { 'retry-after': '1' },
  );
}

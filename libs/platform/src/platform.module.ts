import { type DynamicModule, type Provider, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { KafkaHealthIndicator, MessagingModule } from '@pb/messaging';
import { MongoHealthIndicator, PersistenceModule } from '@pb/persistence';
import { AUTH_OPTIONS, AuthGuard, type AuthOptions } from './auth/auth.guard.js';
import { Clock } from './clock.js';
import { HealthController, Lifecycle, READINESS_CHECKS, type ReadinessCheck } from './health/health.js';
import { ProblemDetailsFilter } from './http/problem.js';
import { NextLinkInterceptor } from './http/next-link.interceptor.js';
import { RouteValidationInterceptor } from './http/route.js';
import { RATE_LIMIT_OPTIONS, RateLimitGuard, type RateLimitOptions } from './http/rate-limit.guard.js';
import { LoggingModule } from './logging/logging.module.js';
import { MetricsModule } from './metrics/metrics.js';

export interface PlatformOptions {
  service: string;
  logLevel: string;
  auth: AuthOptions;
  /** The service's own database; omitted by the gateway, which owns none. */
  store?: { uri: string; dbName: string };
  /** Kafka; omitted by the gateway. */
  broker?: { brokers: string[]; groupId?: string; maxAttempts?: number; topicPartitions?: number; topicReplicationFactor?: number };
  /** Extra readiness checks (the gateway checks the services it forwards to). */
  readiness?: Provider<ReadinessCheck[]>;
  /** Per-caller request limit (the gateway); services trust the gateway's. */
  rateLimit?: RateLimitOptions;
}

/** Everything a service shares: logs, config-driven store and broker, health, metrics, auth, problem+json. */
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    const imports: DynamicModule['imports'] = [
      LoggingModule.forRoot({ service: options.service, level: options.logLevel }),
      TerminusModule.forRoot({ logger: false }),
      MetricsModule,
    ];
    const inject: unknown[] = [];
    if (options.store) {
      imports.push(PersistenceModule.forRoot(options.store));
      inject.push(MongoHealthIndicator);
    }
    if (options.broker) {
      imports.push(
        MessagingModule.forRoot({
          service: options.service,
          brokers: options.broker.brokers,
          ...(options.broker.groupId ? { groupId: options.broker.groupId } : {}),
          ...(options.broker.maxAttempts ? { maxAttempts: options.broker.maxAttempts } : {}),
          ...(options.broker.topicPartitions ? { topicPartitions: options.broker.topicPartitions } : {}),
          ...(options.broker.topicReplicationFactor ? { topicReplicationFactor: options.broker.topicReplicationFactor } : {}),
        }),
      );
      inject.push(KafkaHealthIndicator);
    }
    const readiness: Provider = options.readiness ?? {
      provide: READINESS_CHECKS,
      inject: inject as never[],
      useFactory: (...indicators: (MongoHealthIndicator | KafkaHealthIndicator)[]): ReadinessCheck[] =>
        indicators.map((i) => () => i.isHealthy()),
    };
    const guards: Provider[] = [{ provide: APP_GUARD, useClass: AuthGuard }];
    // Registered after the AuthGuard, so the limit is counted per verified account.
    if (options.rateLimit) {
      guards.push({ provide: RATE_LIMIT_OPTIONS, useValue: options.rateLimit }, { provide: APP_GUARD, useClass: RateLimitGuard });
    }
    return {
      module: PlatformModule,
      global: true,
      imports,
      controllers: [HealthController],
      providers: [
        Lifecycle,
        Clock,
        readiness,
        { provide: AUTH_OPTIONS, useValue: options.auth },
        ...guards,
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_INTERCEPTOR, useClass: RouteValidationInterceptor },
        { provide: APP_INTERCEPTOR, useClass: NextLinkInterceptor },
      ],
      exports: [Lifecycle, Clock, AUTH_OPTIONS],
    };
  }
}

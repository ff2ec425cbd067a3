import { type DynamicModule, type Provider, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { KafkaHealthIndicator, MessagingModule, type KafkaAuth } from '@pb/messaging';
import { MongoHealthIndicator, PersistenceModule } from '@pb/persistence';
import { AUTH_OPTIONS, AuthGuard, type AuthOptions } from './auth/auth.guard.js';
import { Clock } from './clock.js';
import { DependencyWatch } from './health/dependency-watch.js';
import {
  DEFAULT_READINESS_POLICY,
  DependencyWatches,
  HealthController,
  Lifecycle,
  READINESS_CHECKS,
  watchedCheck,
  type ReadinessCheck,
  type ReadinessPolicy,
} from './health/health.js';
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
  broker?: {
    brokers: string[];
    auth?: KafkaAuth;
    /** Kafka client id (KAFKA_CLIENT_ID); default the service name. */
    clientId?: string;
    groupId?: string;
    maxAttempts?: number;
    topicPartitions?: number;
    topicReplicationFactor?: number;
  };
  /** Readiness checks in place of the store and broker watches (tests). */
  readiness?: Provider<ReadinessCheck[]>;
  /** When the store and the broker fail readiness (docs/adr/0024); defaults: store after 10 s, broker never. */
  readinessPolicy?: ReadinessPolicy;
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
    const inject: unknown[] = [HealthIndicatorService, DependencyWatches];
    if (options.store) {
      imports.push(PersistenceModule.forRoot(options.store));
      inject.push(MongoHealthIndicator);
    }
    if (options.broker) {
      imports.push(
        MessagingModule.forRoot({
          service: options.service,
          brokers: options.broker.brokers,
          ...(options.broker.auth ? { auth: options.broker.auth } : {}),
          ...(options.broker.clientId ? { clientId: options.broker.clientId } : {}),
          ...(options.broker.groupId ? { groupId: options.broker.groupId } : {}),
          ...(options.broker.maxAttempts ? { maxAttempts: options.broker.maxAttempts } : {}),
          ...(options.broker.topicPartitions ? { topicPartitions: options.broker.topicPartitions } : {}),
          ...(options.broker.topicReplicationFactor ? { topicReplicationFactor: options.broker.topicReplicationFactor } : {}),
        }),
      );
      inject.push(KafkaHealthIndicator);
    }
    const policy = options.readinessPolicy ?? DEFAULT_READINESS_POLICY;
    // Probed in the background: a readiness request never waits on a round trip, so a busy event
    // loop or one slow answer does not flap it (docs/adr/0024).
    const readiness: Provider = options.readiness ?? {
      provide: READINESS_CHECKS,
      inject: inject as never[],
      useFactory: (
        health: HealthIndicatorService,
        watches: DependencyWatches,
        ...indicators: (MongoHealthIndicator | KafkaHealthIndicator)[]
      ): ReadinessCheck[] =>
        indicators.map((indicator) => {
          const store = indicator instanceof MongoHealthIndicator;
          const watch = watches.add(
            new DependencyWatch(
              store
                ? { name: 'store', probe: () => indicator.probe(), intervalMs: 2_000, timeoutMs: 5_000, failAfterMs: policy.storeOutageMs }
                : {
                    name: 'kafka',
                    probe: () => indicator.probe(5_000),
                    intervalMs: 5_000,
                    timeoutMs: 6_000,
                    failAfterMs: policy.brokerOutageMs > 0 ? policy.brokerOutageMs : Infinity,
                  },
            ),
          );
          return watchedCheck(health, watch);
        }),
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
        DependencyWatches,
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

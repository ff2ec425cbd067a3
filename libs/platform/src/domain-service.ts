import { type DynamicModule, type ForwardReference, Module, type Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { CleanedEnv } from 'envalid';
import { brokerAuthOf, cursorSecretOf, loadConfig, serviceEnv, type storeAndBrokerEnv } from './config/config.js';
import { PlatformModule, type PlatformOptions } from './platform.module.js';
import { bootOrExit, runService } from './bootstrap.js';

export type ServiceConfig = CleanedEnv<typeof serviceEnv>;
type Import = Type | DynamicModule | Promise<DynamicModule> | ForwardReference;

export interface DomainServiceDefinition {
  /** Service name: logs, Kafka client id, CloudEvents source. */
  service: string;
  /** Feature modules of the service, built from its validated config. */
  features: (config: ServiceConfig) => Import[];
  /** Whether the service consumes events (its controllers declare @EventPattern handlers). */
  consume: boolean;
  configure?: (app: NestFastifyApplication) => void | Promise<void>;
}

@Module({})
class ServiceRootModule {}

/** The store and broker options of PlatformModule from the validated variables every stateful service has. */
export function storeAndBrokerOf(
  config: CleanedEnv<typeof storeAndBrokerEnv>,
): Pick<PlatformOptions, 'store' | 'broker' | 'readinessPolicy'> {
  return {
    store: { uri: config.MONGODB_URI, dbName: config.MONGODB_DB },
    broker: {
      brokers: config.KAFKA_BROKERS,
      auth: brokerAuthOf(config),
      ...(config.KAFKA_CLIENT_ID ? { clientId: config.KAFKA_CLIENT_ID } : {}),
      ...(config.KAFKA_GROUP_ID ? { groupId: config.KAFKA_GROUP_ID } : {}),
      maxAttempts: config.KAFKA_MAX_ATTEMPTS,
      topicPartitions: config.KAFKA_TOPIC_PARTITIONS,
      topicReplicationFactor: config.KAFKA_TOPIC_REPLICATION,
    },
    readinessPolicy: { storeOutageMs: config.READINESS_STORE_OUTAGE_MS, brokerOutageMs: config.READINESS_BROKER_OUTAGE_MS },
  };
}

/** The root module of a domain service: platform (store, broker, health, auth...) plus its features. */
export function domainServiceModule(def: DomainServiceDefinition, config: ServiceConfig): DynamicModule {
  return {
    module: ServiceRootModule,
    imports: [
      PlatformModule.forRoot({
        service: def.service,
        logLevel: config.LOG_LEVEL,
        auth: { mode: 'service', secret: config.INTERNAL_AUTH_SECRET },
        ...storeAndBrokerOf(config),
      }),
      ...def.features(config),
    ],
  };
}

/** Entry point of a domain service: validate config (fail fast naming the variable), boot, serve. */
export function startDomainService(def: DomainServiceDefinition): void {
  bootOrExit(def.service, async () => {
    const config = loadConfig(serviceEnv);
    await runService(domainServiceModule(def, config), {
      service: def.service,
      host: config.HTTP_HOST,
      port: config.HTTP_PORT,
      consume: def.consume,
      shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
      drainMs: config.SHUTDOWN_DRAIN_MS,
      bodyLimitBytes: config.HTTP_BODY_LIMIT_BYTES,
      trustProxy: config.TRUST_PROXY,
      cursorSecret: cursorSecretOf(config),
      ...(def.configure ? { configure: def.configure } : {}),
    });
  });
}

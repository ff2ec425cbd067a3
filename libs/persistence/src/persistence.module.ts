import { type DynamicModule, Logger, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { TerminusModule } from '@nestjs/terminus';
import { MongoClient } from 'mongodb';
import { MongoHealthIndicator } from './mongo.health.js';

export interface PersistenceOptions {
  /** MongoDB connection string (mongodb:// or mongodb+srv://). */
  uri: string;
  /** The service's own database (one database per service, ARCHITECTURE.md §5). */
  dbName: string;
  /** How long a query waits for a reachable server before failing. */
  serverSelectionTimeoutMS?: number;
  /** Connection pool size. */
  maxPoolSize?: number;
}

/**
 * FerretDB 1.24 (SQLite) applies an update as read-then-write without locking: two concurrent
 * updates of one document both "match", and `$inc`s are lost. The project's local store runs behind
 * a proxy that holds a per-database lock for each update (deploy/local/ferretdb/atomic_proxy.go,
 * ADR 0003 and 0005), so services keep their pool. Pointed at a bare FerretDB, a service warns.
 */
export async function isFerretDb(uri: string, timeoutMs: number): Promise<boolean> {
  const probe = new MongoClient(uri, { serverSelectionTimeoutMS: timeoutMs, maxPoolSize: 1 });
  try {
    await probe.connect();
    const info = await probe.db('admin').command({ buildInfo: 1 });
    return typeof info['ferretdbVersion'] === 'string';
  } finally {
    await probe.close().catch(() => undefined);
  }
}

/**
 * The service's MongoDB connection. Options stay inside what FerretDB 1.24 and MongoDB 7 both
 * support: no transactions, no retryable-write sessions (FerretDB rejects txnNumber).
 */
@Module({})
export class PersistenceModule {
  static forRoot(options: PersistenceOptions): DynamicModule {
    const timeout = options.serverSelectionTimeoutMS ?? 10_000;
    return {
      module: PersistenceModule,
      global: true,
      imports: [
        TerminusModule,
        MongooseModule.forRootAsync({
          useFactory: async () => {
            if (await isFerretDb(options.uri, timeout)) {
              new Logger('Persistence').log("store is FerretDB: updates are atomic only behind the project's proxy (deploy/local)");
            }
            return {
              uri: options.uri,
              dbName: options.dbName,
              serverSelectionTimeoutMS: timeout,
              retryWrites: false,
              maxPoolSize: options.maxPoolSize ?? 20,
              autoIndex: true,
            };
          },
        }),
      ],
      providers: [MongoHealthIndicator],
      exports: [MongooseModule, MongoHealthIndicator],
    };
  }
}

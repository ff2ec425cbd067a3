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
  /** Connection pool size on MongoDB; FerretDB always gets 1 (see `poolSizeFor`). */
  maxPoolSize?: number;
}

/**
 * FerretDB 1.24 (SQLite) applies an update as read-then-write without locking: two concurrent
 * updates of one document from two connections both "match", and `$inc`s are lost (measured: 50 of
 * 50 races). One connection per process serialises this process's operations, which makes every
 * conditional update and `$inc` atomic again within the process; across processes, code relies on
 * unique-index inserts (atomic on both stores), as `Lease` does. MongoDB keeps its pool.
 */
export async function poolSizeFor(uri: string, wanted: number, timeoutMs: number): Promise<{ size: number; ferretdb: boolean }> {
  const probe = new MongoClient(uri, { serverSelectionTimeoutMS: timeoutMs, maxPoolSize: 1 });
  try {
    await probe.connect();
    const info = await probe.db('admin').command({ buildInfo: 1 });
    const ferretdb = typeof info['ferretdbVersion'] === 'string' || typeof info['ferretdb'] === 'object';
    return { size: ferretdb ? 1 : wanted, ferretdb };
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
            const pool = await poolSizeFor(options.uri, options.maxPoolSize ?? 20, timeout);
            if (pool.ferretdb) new Logger('Persistence').log('store is FerretDB: one connection per process, so updates stay atomic');
            return { uri: options.uri, dbName: options.dbName, serverSelectionTimeoutMS: timeout, retryWrites: false, maxPoolSize: pool.size, autoIndex: true };
          },
        }),
      ],
      providers: [MongoHealthIndicator],
      exports: [MongooseModule, MongoHealthIndicator],
    };
  }
}

import { type DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { MongooseModule } from '@nestjs/mongoose';
import { MongoHealthIndicator } from './mongo.health.js';

export interface PersistenceOptions {
  /** MongoDB connection string (mongodb:// or mongodb+srv://). */
  uri: string;
  /** The service's own database (one database per service, ARCHITECTURE.md §5). */
  dbName: string;
  /** How long a query waits for a reachable server before failing. */
  serverSelectionTimeoutMS?: number;
}

/**
 * The service's MongoDB connection. Options stay inside what FerretDB 1.24 and MongoDB 7 both
 * support: no transactions, no retryable-write sessions (FerretDB rejects txnNumber).
 */
@Module({})
export class PersistenceModule {
  static forRoot(options: PersistenceOptions): DynamicModule {
    return {
      module: PersistenceModule,
      global: true,
      imports: [
        TerminusModule,
        MongooseModule.forRoot(options.uri, {
          dbName: options.dbName,
          serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 10_000,
          retryWrites: false,
          maxPoolSize: 20,
          autoIndex: true,
        }),
      ],
      providers: [MongoHealthIndicator],
      exports: [MongooseModule, MongoHealthIndicator],
    };
  }
}

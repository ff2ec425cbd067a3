import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { HealthIndicatorService } from '@nestjs/terminus';
import mongoose, { type Connection } from 'mongoose';

/** Readiness of the service's own database: a `ping` round trip. */
@Injectable()
export class MongoHealthIndicator {
  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly health: HealthIndicatorService,
  ) {}

  /** One `ping`; resolves the database name, rejects when the store does not answer (the platform's readiness watch, docs/adr/0024). */
  async probe(): Promise<{ database: string }> {
    const db = this.connection.db;
    if (!db || this.connection.readyState !== mongoose.ConnectionStates.connected) throw new Error('not connected');
    await db.admin().ping();
    return { database: db.databaseName };
  }

  async isHealthy(key = 'store') {
    const indicator = this.health.check(key);
    try {
      return indicator.up(await this.probe());
    } catch (err) {
      return indicator.down({ message: err instanceof Error ? err.message : String(err) });
    }
  }
}

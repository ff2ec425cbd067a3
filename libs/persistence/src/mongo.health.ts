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

  async isHealthy(key = 'store') {
    const indicator = this.health.check(key);
    try {
      const db = this.connection.db;
      if (!db || this.connection.readyState !== mongoose.ConnectionStates.connected) return indicator.down({ message: 'not connected' });
      await db.admin().ping();
      return indicator.up({ database: db.databaseName });
    } catch (err) {
      return indicator.down({ message: err instanceof Error ? err.message : String(err) });
    }
  }
}

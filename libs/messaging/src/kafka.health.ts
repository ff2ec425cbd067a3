import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { KafkaClient } from './kafka.client.js';

/** Readiness of the broker: a metadata round trip through the admin client. */
@Injectable()
export class KafkaHealthIndicator {
  constructor(
    private readonly client: KafkaClient,
    private readonly health: HealthIndicatorService,
  ) {}

  async isHealthy(key = 'kafka') {
    const indicator = this.health.check(key);
    try {
      const admin = await withTimeout(this.client.getAdmin(), 3_000);
      const cluster = await withTimeout(admin.describeCluster(), 3_000);
      return indicator.up({ brokers: cluster.brokers.length });
    } catch (err) {
      return indicator.down({ message: err instanceof Error ? err.message : String(err) });
    }
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e: unknown) => (clearTimeout(t), reject(e instanceof Error ? e : new Error(String(e)))),
    );
  });
}

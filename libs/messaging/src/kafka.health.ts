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

  /** One round trip; resolves what the broker said, rejects when it does not answer (the platform's readiness watch, docs/adr/0024). */
  async probe(timeoutMs = 3_000): Promise<{ brokers: number }> {
    const admin = await withTimeout(this.client.getAdmin(), timeoutMs);
    const cluster = await withTimeout(admin.describeCluster(), timeoutMs);
    return { brokers: cluster.brokers.length };
  }

  async isHealthy(key = 'kafka') {
    const indicator = this.health.check(key);
    try {
      return indicator.up(await this.probe());
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

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { localBroker, startService } from '@pb/testing';
import { ReportsModule } from './reports/reports.module.js';

interface Readiness {
  status: number;
  body: { status?: string; info?: Record<string, { status: string; reachable?: boolean }>; error?: Record<string, unknown> };
}

// Only a broker this project started can be paused: with KAFKA_BROKERS from outside (or Docker), the test is skipped.
const broker = await localBroker();
const PAUSE_AT_LEAST_MS = 15_000;

/**
 * docs/adr/0024: readiness says whether the instance can serve. A broker that stops answering (the
 * test tier's own Kafka process frozen with SIGSTOP, as a network partition or a long GC pause would)
 * does not take the service out of its load balancer: the outbox holds the events meanwhile.
 */
describe('reporting readiness while the broker is paused', () => {
  const run = randomBytes(3).toString('hex');
  let app: NestFastifyApplication;

  const ready = async (): Promise<Readiness> => {
    const res = await app.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/health/ready' });
    return { status: res.statusCode, body: JSON.parse(res.body) as Readiness['body'] };
  };

  beforeAll(async () => {
    ({ app } = await startService(
      { service: 'reporting', consume: false, features: () => [ReportsModule.register({ tickMs: 0 })] },
      { db: `it_reporting_ready_${run}` },
    ));
  }, 120_000);

  afterAll(async () => {
    broker?.resume(); // never leave the tier's broker frozen for the next test file
    await app?.close();
  });

  (broker ? it : it.skip)(
    `stays 200 through a broker pause of at least ${PAUSE_AT_LEAST_MS / 1000} s, reporting the broker unreachable, and sees it back after`,
    async () => {
      const before = await ready();
      expect(before.status).toBe(200);
      expect(before.body.info?.['kafka']).toMatchObject({ status: 'up' });
      expect(before.body.info?.['kafka']?.reachable).toBeUndefined();

      broker!.pause();
      const answers: Readiness[] = [];
      const started = Date.now();
      try {
        // Until the broker's watch has noticed (a probe timed out) and the pause has lasted long enough.
        for (;;) {
          const answer = await ready();
          answers.push(answer);
          const noticed = answer.body.info?.['kafka']?.reachable === false;
          if (noticed && Date.now() - started >= PAUSE_AT_LEAST_MS) break;
          if (Date.now() - started > 60_000) break; // the assertions below say what went wrong
          await new Promise((r) => setTimeout(r, 250));
        }
      } finally {
        broker!.resume();
      }
      expect(answers.map((a) => a.status).filter((s) => s !== 200)).toEqual([]);
      expect(answers.some((a) => a.body.info?.['kafka']?.reachable === false)).toBe(true);
      expect(answers.every((a) => a.body.info?.['store']?.status === 'up')).toBe(true);

      // Back: the next probes reach it again.
      const deadline = Date.now() + 60_000;
      let after = await ready();
      while (after.body.info?.['kafka']?.reachable === false && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 500));
        after = await ready();
      }
      expect(after.status).toBe(200);
      expect(after.body.info?.['kafka']).toEqual({ status: 'up', brokers: 1 });
    },
    150_000,
  );
});

import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { problemTypeUrl } from '@pb/contracts';
import { domainServiceModule, loadConfig, runService, serviceEnv, signInternalToken } from '@pb/platform';
import { ReportsModule } from './reports/reports.module.js';

/**
 * The store, as reporting sees it, through a TCP relay this test owns: closing the relay (and every
 * connection through it) is the store going away for the service, with the driver's real errors;
 * opening it again is the store back.
 */
class StoreRelay {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(
    private readonly host: string,
    private readonly target: number,
  ) {}

  async open(): Promise<void> {
    if (this.server) return;
    const server = net.createServer((client) => {
      const upstream = net.connect(this.target, this.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', resolve);
    });
    this.server = server;
    this.port = (server.address() as net.AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }
}

describe('reporting while its store is down', () => {
  const run = randomBytes(3).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const store = new URL(process.env['MONGODB_URI'] ?? 'mongodb://127.0.0.1:27017/');
  const relay = new StoreRelay(store.hostname, Number(store.port || 27017));
  let app: NestFastifyApplication;

  const read = async () => {
    const res = await app
      .getHttpAdapter()
      .getInstance()
      .inject({
        method: 'GET',
        url: `/api/v1/reports/po-${run}/2027-01-H1`,
        headers: {
          'x-pb-identity': await signInternalToken({ sub: `acct-${run}`, orgUnitId: `city-${run}`, roles: ['city-admin'] }, secret),
          'accept-language': 'en',
        },
      });
    return { status: res.statusCode, headers: res.headers, body: JSON.parse(res.body) as Record<string, unknown> };
  };

  beforeAll(async () => {
    await relay.open();
    const config = loadConfig(serviceEnv, {
      ...process.env,
      MONGODB_URI: `mongodb://127.0.0.1:${relay.port}/`,
      HTTP_PORT: '1',
      MONGODB_DB: `it_reporting_down_${run}`,
      KAFKA_GROUP_ID: `it-reporting-down-${run}`,
      INTERNAL_AUTH_SECRET: secret,
      LOG_LEVEL: process.env['IT_LOG_LEVEL'] ?? 'fatal',
    });
    app = await runService(
      domainServiceModule({ service: 'reporting', consume: false, features: () => [ReportsModule.register({ tickMs: 0 })] }, config),
      { service: 'reporting', host: '127.0.0.1', port: 0, consume: false },
    );
  }, 120_000);

  afterAll(async () => {
    await relay.open().catch(() => undefined);
    await app?.close();
    await relay.close();
  });

  it('answers 503 problem+json with Retry-After while the store is gone, never 500 about:blank, and recovers', async () => {
    expect((await read()).status).toBe(404); // the store answers: no such report
    await relay.close();
    const down = await read();
    expect(down.status).toBe(503);
    expect(down.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(down.headers['retry-after']).toMatch(/^\d+$/);
    expect(down.body).toMatchObject({ type: problemTypeUrl('storeUnavailable'), status: 503 });
    await relay.open(); // the store is back (same address)
    const deadline = Date.now() + 45_000;
    let back = await read();
    while (back.status !== 404 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      back = await read();
    }
    expect(back.status).toBe(404);
  }, 90_000);
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { UpstreamService, type UpstreamName } from './upstream.service.js';

// A service's answer goes back to the caller as it was sent: a CSV's UTF-8 BOM (EF BB BF) is part of it.
describe('UpstreamService forwards answers unchanged', () => {
  let server: Server;
  let upstream: UpstreamService;

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/csv') {
        res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8' });
        res.end('\uFEFF单位代码 code,name\r\n');
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"名称":"学校"}');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const urls = Object.fromEntries(['org-registry', 'reporting', 'evaluation', 'training', 'notifications'].map((n) => [n, url]));
    upstream = new UpstreamService({ urls: urls as Record<UpstreamName, string>, internalSecret: 'x'.repeat(32), timeoutMs: 5_000 });
  });

  afterAll(async () => {
    await upstream.onApplicationShutdown();
    await new Promise((resolve) => server.close(resolve));
  });

  const identity = { sub: 'acct-1', orgUnitId: 'city', roles: ['analyst' as const] };

  it('keeps the BOM of a CSV: the bytes as the service sent them', async () => {
    const answer = await upstream.forward('reporting', 'GET', '/csv', { identity, correlationId: 'c-1' });
    expect(answer.contentType).toBe('text/csv; charset=utf-8');
    expect(Buffer.isBuffer(answer.body)).toBe(true);
    expect([...(answer.body as Buffer).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect((answer.body as Buffer).toString('utf8')).toBe('\uFEFF单位代码 code,name\r\n');
  });

  it('still parses JSON', async () => {
    const answer = await upstream.forward('reporting', 'GET', '/json', { identity, correlationId: 'c-2' });
    expect(answer.body).toEqual({ 名称: '学校' });
  });
});

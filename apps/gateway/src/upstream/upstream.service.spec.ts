import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { context, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { startTracing } from '@pb/platform';
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

// docs/adr/0024: a service's replicas are balanced; one that is gone costs a retry, not the request.
describe('UpstreamService over several replicas', () => {
  let live: Server;
  let dropping: Server;
  let liveUrl: string;
  let droppingUrl: string;
  let goneUrl: string;
  const seen: string[] = [];

  beforeAll(async () => {
    live = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
    // Reads the request, then drops the connection without answering (a replica killed mid-request).
    dropping = createServer((req) => req.socket.destroy());
    const gone = createServer();
    for (const s of [live, dropping, gone]) await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    const urlOf = (s: Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
    [liveUrl, droppingUrl, goneUrl] = [urlOf(live), urlOf(dropping), urlOf(gone)];
    await new Promise((resolve) => gone.close(resolve)); // its port now refuses connections
  });

  afterAll(async () => {
    for (const s of [live, dropping]) await new Promise((resolve) => s.close(resolve));
  });

  const identity = { sub: 'acct-1', orgUnitId: 'city', roles: ['city-admin' as const] };
  const serviceOf = (urls: string[]) =>
    new UpstreamService({
      urls: { 'org-registry': urls, reporting: urls, evaluation: urls, training: urls, notifications: urls },
      internalSecret: 'x'.repeat(32),
      timeoutMs: 5_000,
    });

  it('sends any request, a write too, to another replica when one refuses the connection', async () => {
    const upstream = serviceOf([goneUrl, liveUrl]);
    try {
      for (let i = 0; i < 4; i++) {
        const answer = await upstream.forward('reporting', 'POST', `/w${i}`, { identity, correlationId: `c-${i}`, body: { i } });
        expect(answer.status).toBe(200);
      }
      expect(seen.filter((s) => s.startsWith('POST /w'))).toHaveLength(4);
      expect(upstream.replicasOf('reporting').isMarkedDown(goneUrl)).toBe(true);
    } finally {
      await upstream.onApplicationShutdown();
    }
  });

  it('retries a read elsewhere when a replica drops the connection', async () => {
    const upstream = serviceOf([droppingUrl, liveUrl]);
    try {
      for (let i = 0; i < 2; i++)
        expect((await upstream.forward('reporting', 'GET', `/r${i}`, { identity, correlationId: 'c' })).status).toBe(200);
    } finally {
      await upstream.onApplicationShutdown();
    }
  });

  it('does not replay a write without an Idempotency-Key the dropped replica may have applied: 503 upstream-unavailable', async () => {
    const upstream = serviceOf([droppingUrl]);
    try {
      await expect(upstream.forward('reporting', 'POST', '/w', { identity, correlationId: 'c', body: {} })).rejects.toMatchObject({
        problemType: expect.stringMatching(/upstream-unavailable$/),
      });
    } finally {
      await upstream.onApplicationShutdown();
    }
  });
});

// docs/adr/0026: the forwarded call is a client span of the gateway's request span, and the service gets its traceparent.
describe('UpstreamService with tracing on', () => {
  let server: Server;
  const received: (string | undefined)[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      received.push(req.headers['traceparent'] as string | undefined);
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends the W3C traceparent of a client span, child of the request span', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = (await startTracing('gateway', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1' }, { exporter }))!;
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const urls = { 'org-registry': url, reporting: url, evaluation: url, training: url, notifications: url };
    const upstream = new UpstreamService({ urls, internalSecret: 'x'.repeat(32), timeoutMs: 5_000 });
    try {
      const request = trace.getTracer('test').startSpan('POST /api/v1/reports/:partyOrgId/:periodId/submit', { kind: SpanKind.SERVER });
      const identity = { sub: 'acct-1', orgUnitId: 's-1', roles: ['school-secretary' as const] };
      const answer = await context.with(trace.setSpan(ROOT_CONTEXT, request), () =>
        upstream.forward('reporting', 'POST', '/api/v1/reports/po-1/2030-05-H1/submit?x=1', { identity, correlationId: 'c-1', body: {} }),
      );
      request.end();
      expect(answer.status).toBe(503);
      const client = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.CLIENT)!;
      expect(client.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
      expect(client.attributes).toMatchObject({
        'peer.service': 'reporting',
        'url.path': '/api/v1/reports/po-1/2030-05-H1/submit',
        'http.response.status_code': 503,
      });
      expect(received).toEqual([`00-${request.spanContext().traceId}-${client.spanContext().spanId}-01`]);
    } finally {
      await upstream.onApplicationShutdown();
      await tracing.shutdown();
    }
  });
});

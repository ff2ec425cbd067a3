import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import Fastify, { type FastifyInstance } from 'fastify';
import { isTracing } from '@pb/messaging';
import { inClientSpan, traceRequests } from './http-spans.js';
import { startTracing, traceLogFields, tracingSettings, type Tracing } from './tracing.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = '00f067aa0ba902b7';

describe('tracingSettings: the standard OTEL_* variables, off by default', () => {
  it.each([
    ['nothing set', false, {}, 'no OTEL_EXPORTER_OTLP_ENDPOINT'],
    ['an OTLP endpoint', true, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, undefined],
    ['a traces endpoint', true, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }, undefined],
    [
      'an endpoint but the SDK disabled',
      false,
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' },
      'OTEL_SDK_DISABLED is true',
    ],
    [
      'an endpoint but no exporter',
      false,
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'none' },
      'OTEL_TRACES_EXPORTER is none',
    ],
    [
      'an exporter this platform lacks',
      false,
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'zipkin' },
      expect.stringMatching(/zipkin is not supported/),
    ],
  ])('with %s: enabled %s', (_what, enabled, env, reason) => {
    const settings = tracingSettings('reporting', env);
    expect(settings.enabled).toBe(enabled);
    expect(settings.reason).toEqual(reason);
  });

  it('names the service after OTEL_SERVICE_NAME, else the platform service; console needs no endpoint', () => {
    expect(tracingSettings('reporting', {}).serviceName).toBe('reporting');
    expect(tracingSettings('reporting', { OTEL_SERVICE_NAME: 'reporting-gz' }).serviceName).toBe('reporting-gz');
    expect(tracingSettings('reporting', { OTEL_TRACES_EXPORTER: 'console' })).toMatchObject({ enabled: true, exporter: 'console' });
    expect(tracingSettings('reporting', { OTEL_BSP_SCHEDULE_DELAY: '200' }).scheduleDelayMs).toBe(200);
  });

  it('reads OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG: parent-based always-on by default, a bad value reported and replaced by the default', () => {
    const sampler = (env: NodeJS.ProcessEnv) => {
      const { sampler: s, warnings } = tracingSettings('reporting', env);
      return { ...s, warnings: warnings.length };
    };
    expect(sampler({})).toEqual({ name: 'parentbased_always_on', warnings: 0 });
    expect(sampler({ OTEL_TRACES_SAMPLER: '' })).toEqual({ name: 'parentbased_always_on', warnings: 0 });
    expect(sampler({ OTEL_TRACES_SAMPLER: 'Always_Off' })).toEqual({ name: 'always_off', warnings: 0 });
    expect(sampler({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' })).toEqual({
      name: 'parentbased_traceidratio',
      ratio: 0.25,
      warnings: 0,
    });
    expect(sampler({ OTEL_TRACES_SAMPLER: 'traceidratio' })).toEqual({ name: 'traceidratio', ratio: 1, warnings: 0 });
    expect(sampler({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '1.5' })).toEqual({
      name: 'traceidratio',
      ratio: 1,
      warnings: 1,
    });
    expect(sampler({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: 'half' })).toMatchObject({ ratio: 1, warnings: 1 });
    // The argument of a sampler that takes none is ignored, as the specification says.
    expect(sampler({ OTEL_TRACES_SAMPLER: 'always_on', OTEL_TRACES_SAMPLER_ARG: 'x' })).toEqual({ name: 'always_on', warnings: 0 });
    expect(tracingSettings('reporting', { OTEL_TRACES_SAMPLER: 'jaeger_remote' })).toMatchObject({
      sampler: { name: 'parentbased_always_on' },
      warnings: [expect.stringMatching(/jaeger_remote is not supported/)],
    });
  });

  it('starts nothing when off: no provider, no spans, no log fields', async () => {
    expect(await startTracing('reporting', {})).toBeUndefined();
    expect(isTracing()).toBe(false);
    expect(trace.getTracer('x').startSpan('s').isRecording()).toBe(false);
    expect(traceLogFields()).toEqual({});
  });
});

describe('HTTP spans with tracing on', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let app: FastifyInstance;
  let forwarded: Record<string, string> = {};
  let logFields: Record<string, string> = {};

  beforeAll(async () => {
    tracing = (await startTracing('gateway', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1' }, { exporter }))!;
    app = Fastify();
    traceRequests(app);
    const handler = async (req: { body?: unknown }) => {
      await new Promise((r) => setTimeout(r, 1));
      logFields = traceLogFields();
      // A forwarded call, as the gateway's upstream makes it: its headers are what the service receives.
      await inClientSpan(
        'POST',
        { 'peer.service': 'reporting' },
        (headers) => ((forwarded = headers), Promise.resolve({ status: 201 })),
        (r) => r.status,
      );
      return { got: req.body ?? null };
    };
    app.get('/api/v1/things/:id', handler);
    app.post('/api/v1/things/:id', handler);
    app.get('/health/ready', () => Promise.resolve({ ok: trace.getActiveSpan() === undefined }));
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await tracing.shutdown();
  });
  beforeEach(() => exporter.reset());
  const byKind = (kind: SpanKind) => exporter.getFinishedSpans().filter((s) => s.kind === kind);

  it("continues the caller's traceparent in a server span named by the route, and forwards it through a client span", async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/things/t-1?x=1',
      headers: { traceparent: `00-${TRACE}-${PARENT}-01`, 'content-type': 'application/json' },
      payload: { a: 1 },
    });
    expect(res.json()).toEqual({ got: { a: 1 } });
    const [server] = byKind(SpanKind.SERVER);
    const [client] = byKind(SpanKind.CLIENT);
    expect(server.name).toBe('POST /api/v1/things/:id');
    expect(server.spanContext().traceId).toBe(TRACE);
    expect(server.parentSpanContext?.spanId).toBe(PARENT);
    expect(server.attributes).toMatchObject({
      'http.route': '/api/v1/things/:id',
      'url.path': '/api/v1/things/t-1',
      'http.response.status_code': 200,
    });
    // The body was parsed after onRequest: the handler still ran in the request's span.
    expect(client.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
    expect(client.attributes['http.response.status_code']).toBe(201);
    expect(forwarded).toEqual({ traceparent: `00-${TRACE}-${client.spanContext().spanId}-01` });
    expect(logFields).toEqual({ traceId: TRACE, spanId: server.spanContext().spanId });
  });

  it('starts a new trace without a valid traceparent, and keeps a sampled=0 decision', async () => {
    await app.inject({ method: 'GET', url: '/api/v1/things/t-2', headers: { traceparent: 'nonsense' } });
    const [server] = byKind(SpanKind.SERVER);
    expect(server.parentSpanContext).toBeUndefined();
    expect(server.spanContext().traceId).not.toBe(TRACE);
    exporter.reset();
    await app.inject({ method: 'GET', url: '/api/v1/things/t-3', headers: { traceparent: `00-${TRACE}-${PARENT}-00` } });
    expect(exporter.getFinishedSpans()).toEqual([]);
    expect(forwarded['traceparent']).toMatch(new RegExp(`^00-${TRACE}-[0-9a-f]{16}-00$`));
  });

  it('does not trace probes', async () => {
    expect((await app.inject({ method: 'GET', url: '/health/ready' })).json()).toEqual({ ok: true });
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('marks a client span failed when the call throws', async () => {
    await expect(
      inClientSpan(
        'GET',
        {},
        async () => Promise.reject(new Error('ECONNREFUSED')),
        () => 0,
      ),
    ).rejects.toThrow('ECONNREFUSED');
    expect(byKind(SpanKind.CLIENT)[0].status.code).toBe(SpanStatusCode.ERROR);
  });
});

describe('the sampler OTEL_TRACES_SAMPLER names', () => {
  const sampled = `00-${TRACE}-${PARENT}-01`;
  /** Starts tracing with `env`, then one root span and one child of a sampled remote parent; returns which were recorded. */
  async function recorded(env: NodeJS.ProcessEnv): Promise<{ root: boolean; child: boolean }> {
    // A new exporter each time: shutting tracing down stops the one it had.
    const exporter = new InMemorySpanExporter();
    const tracing = (await startTracing('reporting', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1', ...env }, { exporter }))!;
    try {
      const tracer = trace.getTracer('t');
      tracer.startSpan('root').end();
      const parent = propagation.extract(ROOT_CONTEXT, { traceparent: sampled });
      tracer.startSpan('child', {}, parent).end();
      const names = exporter.getFinishedSpans().map((s) => s.name);
      return { root: names.includes('root'), child: names.includes('child') };
    } finally {
      await tracing.shutdown();
    }
  }

  it('samples everything by default, and follows a sampled parent', async () => {
    expect(await recorded({})).toEqual({ root: true, child: true });
  });

  it('drops every span with always_off, the sampled parent’s child too', async () => {
    expect(await recorded({ OTEL_TRACES_SAMPLER: 'always_off' })).toEqual({ root: false, child: false });
  });

  it('drops new traces but follows the caller with parentbased_traceidratio at 0, and drops both with traceidratio at 0', async () => {
    expect(await recorded({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' })).toEqual({
      root: false,
      child: true,
    });
    expect(await recorded({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' })).toEqual({ root: false, child: false });
    expect(await recorded({ OTEL_TRACES_SAMPLER: 'parentbased_always_off' })).toEqual({ root: false, child: true });
  });
});

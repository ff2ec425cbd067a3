import { Logger } from '@nestjs/common';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { enableTracing, tracingApi } from '@pb/messaging';

/**
 * OpenTelemetry tracing, configured by the standard `OTEL_*` variables (docs/adr/0026) and off by
 * default: without an OTLP endpoint (or `OTEL_TRACES_EXPORTER=console`) neither the SDK nor the API is
 * loaded (dynamic imports below), and the HTTP and Kafka code paths skip every tracing call.
 */
export interface TracingSettings {
  enabled: boolean;
  /** Why tracing is off (logged once at boot). */
  reason?: string;
  serviceName: string;
  exporter: 'otlp' | 'console';
  /** OTEL_BSP_SCHEDULE_DELAY: how long finished spans wait before they are exported in a batch (ms). */
  scheduleDelayMs: number;
}

const truthy = (v: string | undefined) => /^(true|1|yes)$/i.test(v?.trim() ?? '');

/** Reads the OTEL_* variables (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/). */
export function tracingSettings(service: string, env: NodeJS.ProcessEnv = process.env): TracingSettings {
  const serviceName = env['OTEL_SERVICE_NAME']?.trim() || service;
  const delay = Number(env['OTEL_BSP_SCHEDULE_DELAY']);
  const base = { serviceName, exporter: 'otlp' as const, scheduleDelayMs: Number.isFinite(delay) && delay >= 0 ? delay : 5_000 };
  if (truthy(env['OTEL_SDK_DISABLED'])) return { ...base, enabled: false, reason: 'OTEL_SDK_DISABLED is true' };
  const exporters = (env['OTEL_TRACES_EXPORTER'] ?? 'otlp')
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean);
  if (exporters.length === 0 || exporters.includes('none')) return { ...base, enabled: false, reason: 'OTEL_TRACES_EXPORTER is none' };
  if (exporters.includes('otlp')) {
    const endpoint = env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']?.trim() || env['OTEL_EXPORTER_OTLP_ENDPOINT']?.trim();
    if (!endpoint) return { ...base, enabled: false, reason: 'no OTEL_EXPORTER_OTLP_ENDPOINT' };
    return { ...base, enabled: true };
  }
  if (exporters.includes('console')) return { ...base, enabled: true, exporter: 'console' };
  return { ...base, enabled: false, reason: `OTEL_TRACES_EXPORTER ${exporters.join(',')} is not supported (otlp, console, none)` };
}

export interface Tracing {
  /** Exports the spans still buffered, then stops (at shutdown). */
  shutdown(): Promise<void>;
}

/**
 * Starts the tracer provider when the settings ask for it: W3C Trace Context propagation, an
 * AsyncLocalStorage context manager, a parent-based always-on sampler (a caller's `sampled=0` is
 * kept), a batch span processor and the OTLP/HTTP (JSON) exporter, which reads its endpoint, headers
 * and timeout from `OTEL_EXPORTER_OTLP_*` itself. Returns undefined (and loads nothing) when off.
 */
export async function startTracing(
  service: string,
  env: NodeJS.ProcessEnv = process.env,
  /** Tests: spans go to this exporter as each ends, instead of the configured one in batches. */
  testing?: { exporter: SpanExporter },
): Promise<Tracing | undefined> {
  const settings = tracingSettings(service, env);
  if (!settings.enabled) return undefined;
  const logger = new Logger('Tracing');
  const [api, sdk, { AsyncLocalStorageContextManager }, { W3CTraceContextPropagator }, { resourceFromAttributes }] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/sdk-trace'),
    import('@opentelemetry/context-async-hooks'),
    import('@opentelemetry/core'),
    import('@opentelemetry/resources'),
  ]);
  let exporter: SpanExporter;
  if (testing) {
    exporter = testing.exporter;
  } else if (settings.exporter === 'console') {
    exporter = new sdk.ConsoleSpanExporter();
  } else {
    const protocol = env['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'] ?? env['OTEL_EXPORTER_OTLP_PROTOCOL'];
    if (protocol && protocol !== 'http/json') logger.warn(`OTEL_EXPORTER_OTLP_PROTOCOL ${protocol}: traces are sent as http/json`);
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    exporter = new OTLPTraceExporter();
  }
  const { context, diag, DiagLogLevel, propagation, trace } = api;
  diag.setLogger(
    {
      error: (message: string) => logger.error(message),
      warn: (message: string) => logger.warn(message),
      info: () => undefined,
      debug: () => undefined,
      verbose: () => undefined,
    },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
  const provider = new sdk.TracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings.serviceName, 'service.namespace': 'party-building' }),
    sampler: new sdk.ParentBasedSampler({ root: new sdk.AlwaysOnSampler() }),
    spanProcessors: [
      testing
        ? new sdk.SimpleSpanProcessor({ exporter })
        : new sdk.BatchSpanProcessor({ exporter, scheduledDelayMillis: settings.scheduleDelayMs }),
    ],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  enableTracing(api);
  logger.log(`traces of ${settings.serviceName} go to the ${settings.exporter} exporter`);
  return {
    async shutdown() {
      enableTracing(undefined);
      await provider.shutdown().catch((err: unknown) => logger.warn(`could not export the last spans: ${String(err)}`));
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}

/**
 * The trace and span ids of the active span for log lines (pino `mixin`); nothing when tracing is off
 * or no span is active.
 */
export function traceLogFields(): Record<string, string> {
  const span = tracingApi()?.trace.getActiveSpan()?.spanContext();
  return span ? { traceId: span.traceId, spanId: span.spanId } : {};
}

import { Logger } from '@nestjs/common';
import type { Sampler, SpanExporter } from '@opentelemetry/sdk-trace';
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
  /** OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG. */
  sampler: SamplerSetting;
  /** What was set but not understood, and what was used instead (logged once at boot). */
  warnings: string[];
}

/** The samplers of the specification this SDK has (jaeger_remote and xray need packages we do not ship). */
export const SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
export type SamplerName = (typeof SAMPLERS)[number];
export interface SamplerSetting {
  name: SamplerName;
  /** The probability of the ratio samplers, 0 to 1. */
  ratio?: number;
}
const DEFAULT_SAMPLER: SamplerName = 'parentbased_always_on';

const truthy = (v: string | undefined) => /^(true|1|yes)$/i.test(v?.trim() ?? '');

/**
 * OTEL_TRACES_SAMPLER (default `parentbased_always_on`, case-insensitive) and, for the ratio samplers,
 * OTEL_TRACES_SAMPLER_ARG (a probability, default 1.0). As the specification asks, a value that is
 * not understood is reported and the default used in its place. The SDK does not read them itself
 * (since sdk-trace 3.x the environment belongs to the caller).
 */
export function samplerSetting(env: NodeJS.ProcessEnv): { sampler: SamplerSetting; warnings: string[] } {
  const warnings: string[] = [];
  const raw = env['OTEL_TRACES_SAMPLER']?.trim().toLowerCase() || DEFAULT_SAMPLER;
  let name = SAMPLERS.find((s) => s === raw);
  if (!name) {
    warnings.push(`OTEL_TRACES_SAMPLER ${raw} is not supported (${SAMPLERS.join(', ')}): ${DEFAULT_SAMPLER} is used`);
    name = DEFAULT_SAMPLER;
  }
  if (!name.endsWith('traceidratio')) return { sampler: { name }, warnings };
  const arg = env['OTEL_TRACES_SAMPLER_ARG']?.trim();
  const ratio = arg ? Number(arg) : 1;
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
    warnings.push(`OTEL_TRACES_SAMPLER_ARG must be a probability from 0 to 1 for ${name}: 1 is used`);
    return { sampler: { name, ratio: 1 }, warnings };
  }
  return { sampler: { name, ratio }, warnings };
}

/** Reads the OTEL_* variables (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/). */
export function tracingSettings(service: string, env: NodeJS.ProcessEnv = process.env): TracingSettings {
  const serviceName = env['OTEL_SERVICE_NAME']?.trim() || service;
  const delay = Number(env['OTEL_BSP_SCHEDULE_DELAY']);
  const base = {
    serviceName,
    exporter: 'otlp' as const,
    scheduleDelayMs: Number.isFinite(delay) && delay >= 0 ? delay : 5_000,
    ...samplerSetting(env),
  };
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

/** The sampler a setting names, from the SDK's own samplers. */
function samplerOf(sdk: typeof import('@opentelemetry/sdk-trace'), setting: SamplerSetting): Sampler {
  const root = setting.name.endsWith('always_on')
    ? new sdk.AlwaysOnSampler()
    : setting.name.endsWith('always_off')
      ? new sdk.AlwaysOffSampler()
      : new sdk.TraceIdRatioBasedSampler(setting.ratio ?? 1);
  return setting.name.startsWith('parentbased_') ? new sdk.ParentBasedSampler({ root }) : root;
}

/**
 * Starts the tracer provider when the settings ask for it: W3C Trace Context propagation, an
 * AsyncLocalStorage context manager, the sampler OTEL_TRACES_SAMPLER names (by default parent-based
 * always-on: a caller's `sampled=0` is kept), a batch span processor and the OTLP/HTTP (JSON) exporter, which reads its endpoint, headers
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
  for (const warning of settings.warnings) logger.warn(warning);
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
    sampler: samplerOf(sdk, settings.sampler),
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
  const { name, ratio } = settings.sampler;
  logger.log(
    `traces of ${settings.serviceName} go to the ${settings.exporter} exporter, sampled ${name}${ratio === undefined ? '' : ` ${ratio}`}`,
  );
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

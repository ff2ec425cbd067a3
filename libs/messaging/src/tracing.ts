import type * as OTel from '@opentelemetry/api';
import type { Attributes, Context, Link, Span, SpanContext } from '@opentelemetry/api';
import type { CloudEventAttributes } from '@pb/contracts';

/**
 * Trace context across Kafka (docs/adr/0026). Type imports only: `startTracing` (libs/platform)
 * imports the OpenTelemetry API with the SDK, only when an exporter is configured, and hands it
 * over. Off, every function here returns at once.
 */
let otel: typeof OTel | undefined;

/** Called by `startTracing` once a tracer provider, propagator and context manager are registered on `api`; undefined turns tracing off. */
export function enableTracing(api: typeof OTel | undefined): void {
  otel = api;
}

/** Whether this process records and propagates traces. */
export function isTracing(): boolean {
  return otel !== undefined;
}

/** The OpenTelemetry API while tracing is on (HTTP spans, log fields), else undefined. */
export function tracingApi(): typeof OTel | undefined {
  return otel;
}

/** The platform's tracer (one instrumentation scope for HTTP and Kafka). */
export function platformTracer(api: typeof OTel) {
  return api.trace.getTracer('@pb/platform');
}

/** W3C Trace Context as carried by HTTP requests, outbox entries and Kafka record headers. */
export interface TraceHeaders {
  traceparent?: string;
  tracestate?: string;
}

/** The W3C headers of a context (the active one by default); empty when tracing is off or no span is in it. */
export function traceHeadersOf(ctx?: Context): TraceHeaders {
  if (!otel) return {};
  const carrier: Record<string, string> = {};
  otel.propagation.inject(ctx ?? otel.context.active(), carrier);
  const out: TraceHeaders = {};
  if (carrier['traceparent']) out.traceparent = carrier['traceparent'];
  if (carrier['tracestate']) out.tracestate = carrier['tracestate'];
  return out;
}

/** The remote context the W3C headers describe (the root context when they describe none). */
export function contextFromTraceHeaders(api: typeof OTel, headers: TraceHeaders): Context {
  if (!headers.traceparent) return api.ROOT_CONTEXT;
  return api.propagation.extract(api.ROOT_CONTEXT, headers);
}

/**
 * The trace context an outbox entry stores: a PRODUCER span `create <topic>`, child of the active span
 * (the request's, or the consumer's when a handler writes), ended at once. The relay, which publishes
 * later and elsewhere, writes it into the record headers; the consumer's span is its child.
 */
export function traceEventCreated(event: { id: string; type: string; topic: string; key: string }): TraceHeaders {
  if (!otel) return {};
  const parent = otel.context.active();
  const span = platformTracer(otel).startSpan(
    `create ${event.topic}`,
    {
      kind: otel.SpanKind.PRODUCER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'create',
        'messaging.operation.name': 'create',
        'messaging.destination.name': event.topic,
        'messaging.message.id': event.id,
        'messaging.kafka.message.key': event.key,
        'cloudevents.event_id': event.id,
        'cloudevents.event_type': event.type,
      },
    },
    parent,
  );
  span.end();
  return traceHeadersOf(otel.trace.setSpan(parent, span));
}

/** What the consumer span says of one record. */
export interface ConsumedRecord {
  event: CloudEventAttributes;
  record: { topic: string; partition: number; offset: string; key: string | null };
}

/**
 * Runs a handler in a CONSUMER span `process <topic>`. Its parent is the trace context in the record
 * headers, so what the handler writes (outbox entries, log lines) continues the producer's trace. A
 * run of records (`@OnEventBatch`) has that parent when all of them belong to one trace, else none;
 * and a link to each record's context with its event id.
 */
export async function inConsumerSpan<T>(records: readonly ConsumedRecord[], group: string, fn: () => Promise<T>): Promise<T> {
  const api = otel;
  if (!api || records.length === 0) return fn();
  const remotes = records.map((r) => contextFromTraceHeaders(api, r.event));
  const traced = records
    .map((r, i) => ({ id: r.event.id, context: api.trace.getSpanContext(remotes[i]) }))
    .filter((t): t is { id: string; context: SpanContext } => t.context !== undefined);
  const oneTrace = traced.length === records.length && new Set(traced.map((t) => t.context.traceId)).size === 1;
  const parent = oneTrace ? remotes[0] : api.ROOT_CONTEXT;
  const first = records[0];
  const attributes: Attributes = {
    'messaging.system': 'kafka',
    'messaging.operation.type': 'process',
    'messaging.operation.name': 'process',
    'messaging.destination.name': first.record.topic,
    'messaging.destination.partition.id': String(first.record.partition),
    'messaging.consumer.group.name': group,
  };
  if (records.length === 1) {
    attributes['messaging.message.id'] = first.event.id;
    attributes['messaging.kafka.offset'] = Number(first.record.offset);
    attributes['cloudevents.event_id'] = first.event.id;
    attributes['cloudevents.event_type'] = first.event.type;
    attributes['cloudevents.event_source'] = first.event.source;
    if (first.record.key !== null) attributes['messaging.kafka.message.key'] = first.record.key;
  } else {
    attributes['messaging.batch.message_count'] = records.length;
  }
  // Each record of a run is a link, with its event id (OpenTelemetry's messaging conventions for batches).
  const links: Link[] = records.length > 1 ? traced.map((t) => ({ context: t.context, attributes: { 'messaging.message.id': t.id } })) : [];
  const span = platformTracer(api).startSpan(`process ${first.record.topic}`, { kind: api.SpanKind.CONSUMER, attributes, links }, parent);
  return runInSpan(api, span, parent, fn);
}

/** Runs `fn` with `span` active; records a thrown error on it; ends it. */
export async function runInSpan<T>(api: typeof OTel, span: Span, parent: Context, fn: () => Promise<T>): Promise<T> {
  try {
    return await api.context.with(api.trace.setSpan(parent, span), fn);
  } catch (err) {
    span.recordException(err instanceof Error ? err : String(err));
    span.setStatus({ code: api.SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
    throw err;
  } finally {
    span.end();
  }
}

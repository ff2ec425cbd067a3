import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type SpanContext,
} from '@opentelemetry/api';
import type { CloudEventAttributes } from '@pb/contracts';

/**
 * Trace context across Kafka (docs/adr/0026), on the OpenTelemetry API alone: the SDK is loaded by
 * `startTracing` (libs/platform) only when an exporter is configured, and then turns this on. Off,
 * every function here returns at once without touching the API's globals.
 */
let enabled = false;

/** Called by `startTracing` once a tracer provider, propagator and context manager are registered. */
export function enableTracing(on = true): void {
  enabled = on;
}

/** Whether this process records and propagates traces. */
export function isTracing(): boolean {
  return enabled;
}

/** The platform's tracer (one instrumentation scope for HTTP and Kafka). */
export function platformTracer() {
  return trace.getTracer('@pb/platform');
}

/** W3C Trace Context as carried by HTTP requests, outbox entries and Kafka record headers. */
export interface TraceHeaders {
  traceparent?: string;
  tracestate?: string;
}

/** The W3C headers of a context (the active one by default); empty when tracing is off or no span is in it. */
export function traceHeadersOf(ctx: Context = context.active()): TraceHeaders {
  if (!enabled) return {};
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  const out: TraceHeaders = {};
  if (carrier['traceparent']) out.traceparent = carrier['traceparent'];
  if (carrier['tracestate']) out.tracestate = carrier['tracestate'];
  return out;
}

/** The remote context the W3C headers describe (the root context when they describe none). */
export function contextFromTraceHeaders(headers: TraceHeaders, base: Context = ROOT_CONTEXT): Context {
  if (!enabled || !headers.traceparent) return base;
  return propagation.extract(base, headers);
}

/**
 * The trace context an outbox entry stores: a PRODUCER span `create <topic>`, child of the active span
 * (the request's, or the consumer's when a handler writes), ended at once. The relay, which publishes
 * later and elsewhere, writes it into the record headers; the consumer's span is its child.
 */
export function traceEventCreated(event: { id: string; type: string; topic: string; key: string }): TraceHeaders {
  if (!enabled) return {};
  const parent = context.active();
  const span = platformTracer().startSpan(
    `create ${event.topic}`,
    {
      kind: SpanKind.PRODUCER,
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
  return traceHeadersOf(trace.setSpan(parent, span));
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
 * it links to each record's context either way.
 */
export async function inConsumerSpan<T>(records: readonly ConsumedRecord[], group: string, fn: () => Promise<T>): Promise<T> {
  if (!enabled || records.length === 0) return fn();
  const remotes = records.map((r) => contextFromTraceHeaders(r.event));
  const spanContexts = remotes.map((c) => trace.getSpanContext(c)).filter((c): c is SpanContext => c !== undefined);
  const oneTrace = spanContexts.length === records.length && new Set(spanContexts.map((c) => c.traceId)).size === 1;
  const parent = oneTrace ? remotes[0] : ROOT_CONTEXT;
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
  const links: Link[] = records.length > 1 || !oneTrace ? spanContexts.map((c) => ({ context: c })) : [];
  const span = platformTracer().startSpan(`process ${first.record.topic}`, { kind: SpanKind.CONSUMER, attributes, links }, parent);
  return runInSpan(span, parent, fn);
}

/** Runs `fn` with `span` active; records a thrown error on it; ends it. */
export async function runInSpan<T>(span: Span, parent: Context, fn: () => Promise<T>): Promise<T> {
  try {
    return await context.with(trace.setSpan(parent, span), fn);
  } catch (err) {
    failSpan(span, err);
    throw err;
  } finally {
    span.end();
  }
}

/** Marks a span failed with the error that ended it. */
export function failSpan(span: Span, err: unknown): void {
  span.recordException(err instanceof Error ? err : String(err));
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
}

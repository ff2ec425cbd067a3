import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import * as api from '@opentelemetry/api';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { fromKafkaHeaders, OrgUnitCreatedV1, type EventData } from '@pb/contracts';
import { recordOf } from './outbox-relay.js';
import { pendingEvent } from './outbox.js';
import { enableTracing, inConsumerSpan, platformTracer, traceHeadersOf, type ConsumedRecord } from './tracing.js';

const data: EventData<typeof OrgUnitCreatedV1> = {
  unitId: 's-1',
  code: 'S1',
  name: '第一中学',
  kind: 'school',
  parentId: 'c-1',
  path: ['c-1', 's-1'],
  level: 1,
  version: 1,
};
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = '00f067aa0ba902b7';
const traceparent = `00-${TRACE}-${PARENT}-01`;

/** A consumed record whose headers came from `headers` (as kafkajs hands them over). */
function consumed(headers: Record<string, string>, offset = '7'): ConsumedRecord {
  return {
    event: fromKafkaHeaders(Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)]))),
    record: { topic: 'orgs.units.v1', partition: 0, offset, key: 's-1' },
  };
}
const recordOfEntry = (overrides: Partial<ReturnType<typeof pendingEvent>> = {}) =>
  recordOf({ ...pendingEvent(OrgUnitCreatedV1, { key: 's-1', data }), ...overrides }, '/cn/edu/partybuilding/test').message
    .headers as Record<string, string>;

describe('trace context across Kafka', () => {
  describe('with tracing off (the default)', () => {
    it('stores no trace context with an outbox entry and runs a handler outside any span', async () => {
      expect(pendingEvent(OrgUnitCreatedV1, { key: 's-1', data })).not.toHaveProperty('traceparent');
      const seen = await inConsumerSpan([consumed(recordOfEntry({ traceparent }))], 'g', () => Promise.resolve(trace.getActiveSpan()));
      expect(seen).toBeUndefined();
      expect(traceHeadersOf()).toEqual({});
    });
  });

  describe('with tracing on', () => {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    beforeAll(() => {
      context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
      propagation.setGlobalPropagator(new W3CTraceContextPropagator());
      trace.setGlobalTracerProvider(provider);
      enableTracing(api);
    });
    afterAll(async () => {
      enableTracing(undefined);
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    });
    beforeEach(() => exporter.reset());
    /** The consumer spans (building a record's headers in these tests also writes `create` spans). */
    const processed = () => exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.CONSUMER);

    it('keeps the trace context of the write with the outbox entry, under a producer span of the active one', () => {
      const request = platformTracer(api).startSpan('POST /api/v1/org-units');
      const entry = context.with(trace.setSpan(ROOT_CONTEXT, request), () =>
        pendingEvent(OrgUnitCreatedV1, { key: 's-1', data, correlationId: 'c' }),
      );
      request.end();
      const create = exporter.getFinishedSpans().find((s) => s.name === 'create orgs.units.v1')!;
      expect(create.kind).toBe(SpanKind.PRODUCER);
      expect(create.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
      expect(create.attributes).toMatchObject({ 'messaging.message.id': entry.id, 'messaging.destination.name': 'orgs.units.v1' });
      expect(entry.traceparent).toBe(`00-${request.spanContext().traceId}-${create.spanContext().spanId}-01`);
    });

    it('writes the entry’s traceparent and tracestate into the record headers, as the W3C headers', () => {
      const headers = recordOfEntry({ traceparent, tracestate: 'pb=1' });
      expect(headers).toMatchObject({ traceparent, tracestate: 'pb=1', ce_type: OrgUnitCreatedV1.type });
      expect(recordOfEntry({ traceparent: undefined, tracestate: 'pb=1' })).not.toHaveProperty('tracestate');
    });

    it('runs the handler in a consumer span whose parent is the record’s traceparent; what it writes continues that trace', async () => {
      const record = consumed(recordOfEntry({ traceparent, tracestate: 'pb=1' }));
      const written = await inConsumerSpan([record], 'notifications', async () => {
        await new Promise((r) => setTimeout(r, 1)); // across an await, as a handler's writes are
        return pendingEvent(OrgUnitCreatedV1, { key: 's-1', data });
      });
      const [process] = processed();
      expect(process.name).toBe('process orgs.units.v1');
      expect(process.spanContext().traceId).toBe(TRACE);
      expect(process.parentSpanContext?.spanId).toBe(PARENT);
      expect(process.attributes).toMatchObject({
        'messaging.consumer.group.name': 'notifications',
        'messaging.message.id': record.event.id,
        'messaging.kafka.offset': 7,
      });
      expect(written.traceparent?.split('-')[1]).toBe(TRACE);
      expect(written.tracestate).toBe('pb=1');
    });

    it('starts a new trace for a record without (or with a malformed) traceparent', async () => {
      const untraced = consumed(recordOfEntry({ traceparent: 'garbage' }));
      const span = await inConsumerSpan([untraced], 'g', () => Promise.resolve(trace.getActiveSpan()!.spanContext()));
      expect(span.traceId).not.toBe(TRACE);
      expect(processed()[0].parentSpanContext).toBeUndefined();
    });

    it('gives a run of one trace its parent and links, a run of several traces links only', async () => {
      const other = `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`;
      const a = consumed(recordOfEntry({ traceparent }), '1');
      const b = consumed(recordOfEntry({ traceparent: `00-${TRACE}-${'c'.repeat(16)}-01` }), '2');
      const c = consumed(recordOfEntry({ traceparent: other }), '3');
      await inConsumerSpan([a, b], 'g', () => Promise.resolve());
      await inConsumerSpan([a, c], 'g', () => Promise.resolve());
      const [same, mixed] = processed();
      expect(same.spanContext().traceId).toBe(TRACE);
      expect(same.links.map((l) => [l.context.spanId, l.attributes?.['messaging.message.id']])).toEqual([
        [PARENT, a.event.id],
        ['c'.repeat(16), b.event.id],
      ]);
      expect(same.attributes['messaging.batch.message_count']).toBe(2);
      expect(mixed.parentSpanContext).toBeUndefined();
      expect(mixed.links.map((l) => l.context.traceId)).toEqual([TRACE, 'a'.repeat(32)]);
    });

    it('marks the span failed with the handler’s error and passes the error on', async () => {
      await expect(
        inConsumerSpan([consumed(recordOfEntry({ traceparent }))], 'g', () => Promise.reject(new Error('store down'))),
      ).rejects.toThrow('store down');
      const [span] = processed();
      expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'store down' });
      expect(span.events.map((e) => e.name)).toEqual(['exception']);
    });
  });
});

import { describe, expect, it } from '@jest/globals';
import {
  eventHeaders,
  eventSource,
  fromKafkaHeaders,
  InvalidCloudEventError,
  isValidTraceparent,
  toKafkaHeaders,
  traceIdOf,
  type CloudEventAttributes,
} from './cloudevents.js';

const attrs: CloudEventAttributes = {
  id: 'e-1',
  source: '/cn/edu/partybuilding/org-registry',
  type: 'cn.edu.partybuilding.orgs.unit.created.v1',
  specversion: '1.0',
  time: '2026-11-26T08:00:00.000Z',
  subject: 'org-units/s-1',
  dataschema: 'https://schemas.partybuilding.edu.cn/events/x.json',
  datacontenttype: 'application/json',
  correlationId: 'c-1',
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
};

describe('CloudEvents Kafka binary mode headers', () => {
  it("writes a contract's event with eventHeaders exactly as with every attribute spelled out", () => {
    const { type, dataschema, id, source, time, subject, correlationId, traceparent } = attrs;
    expect(eventHeaders({ type, dataschema }, { id, source, time, subject, correlationId, traceparent })).toEqual(toKafkaHeaders(attrs));
    const fresh = fromKafkaHeaders(eventHeaders({ type }, { source }));
    expect(fresh).toMatchObject({ type, source, specversion: '1.0', datacontenttype: 'application/json' });
    expect(fresh.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(fresh).not.toHaveProperty('dataschema');
  });

  it('writes every attribute as a ce_ header plus content-type, correlation id and traceparent', () => {
    expect(toKafkaHeaders(attrs)).toEqual({
      ce_id: 'e-1',
      ce_source: '/cn/edu/partybuilding/org-registry',
      ce_type: 'cn.edu.partybuilding.orgs.unit.created.v1',
      ce_specversion: '1.0',
      ce_time: '2026-11-26T08:00:00.000Z',
      ce_subject: 'org-units/s-1',
      ce_dataschema: 'https://schemas.partybuilding.edu.cn/events/x.json',
      'content-type': 'application/json',
      'correlation-id': 'c-1',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });
  });

  it('reads back what it wrote, from Buffers as kafkajs delivers them', () => {
    const asBuffers = Object.fromEntries(Object.entries(toKafkaHeaders(attrs)).map(([k, v]) => [k, Buffer.from(v)]));
    expect(fromKafkaHeaders(asBuffers)).toEqual(attrs);
  });

  it.each(['ce_id', 'ce_source', 'ce_type', 'ce_time', 'ce_specversion'])('refuses a record without %s', (header) => {
    const headers: Record<string, string> = toKafkaHeaders(attrs);
    delete headers[header];
    expect(() => fromKafkaHeaders(headers)).toThrow(new InvalidCloudEventError(`missing header ${header}`));
  });

  it('refuses another spec version and a non-JSON content type', () => {
    expect(() => fromKafkaHeaders({ ...toKafkaHeaders(attrs), ce_specversion: '0.3' })).toThrow(/ce_specversion/);
    expect(() => fromKafkaHeaders({ ...toKafkaHeaders(attrs), 'content-type': 'application/avro' })).toThrow(/content-type/);
  });

  const malformedTraceparents = [
    ['garbage', 'not-a-trace'],
    ['upper-case hex', '00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01'],
    ['an all-zero trace id', '00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
    ['an all-zero parent id', '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01'],
    ['the forbidden version ff', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
    ['version 00 with extra fields', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra'],
    ['a short trace id', '00-4bf92f3577b34da6a3ce929d0e0e47-00f067aa0ba902b7-01'],
  ];

  it.each(malformedTraceparents)('drops a traceparent with %s on read and keeps the event', (_what, traceparent) => {
    const { traceparent: _omit, ...rest } = attrs;
    expect(fromKafkaHeaders({ ...toKafkaHeaders(attrs), traceparent })).toEqual(rest);
  });

  it.each(malformedTraceparents)('does not write a traceparent with %s', (_what, traceparent) => {
    expect(toKafkaHeaders({ ...attrs, traceparent })).not.toHaveProperty('traceparent');
  });

  it('accepts a later trace-context version that appends fields', () => {
    expect(isValidTraceparent('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-later')).toBe(true);
    expect(isValidTraceparent(attrs.traceparent ?? '')).toBe(true);
  });

  it('reads the trace id of a valid traceparent, and none of a malformed one', () => {
    expect(traceIdOf('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(traceIdOf('00-00000000000000000000000000000000-00f067aa0ba902b7-01')).toBeUndefined();
    expect(traceIdOf('nonsense')).toBeUndefined();
    expect(traceIdOf(undefined)).toBeUndefined();
  });

  it('carries tracestate beside a valid traceparent only, and reads it back', () => {
    const traced = { ...attrs, tracestate: 'congo=t61rcWkgMzE,rojo=00f067aa0ba902b7' };
    expect(toKafkaHeaders(traced)).toMatchObject({ traceparent: attrs.traceparent, tracestate: traced.tracestate });
    expect(fromKafkaHeaders(toKafkaHeaders(traced))).toEqual(traced);
    expect(toKafkaHeaders({ ...traced, traceparent: 'not-a-trace' })).not.toHaveProperty('tracestate');
    // A tracestate without (or with a malformed) traceparent means nothing: dropped on read.
    const { traceparent: _omit, ...untraced } = attrs;
    expect(fromKafkaHeaders({ ...toKafkaHeaders(untraced), tracestate: 'congo=t61rcWkgMzE' })).toEqual(untraced);
    expect(toKafkaHeaders({ ...traced, tracestate: 'x'.repeat(513) })).not.toHaveProperty('tracestate');
  });

  it('names the source after the producing service', () => {
    expect(eventSource('org-registry')).toBe('/cn/edu/partybuilding/org-registry');
  });
});

import { randomUUID } from 'node:crypto';

/** CloudEvents 1.0 context attributes carried in Kafka headers (binary content mode). */
export interface CloudEventAttributes {
  id: string;
  source: string;
  type: string;
  specversion: '1.0';
  time: string;
  subject?: string;
  dataschema?: string;
  datacontenttype: 'application/json';
  /** Correlation id of the request or event chain that caused this event. */
  correlationId?: string;
  /** W3C trace context, https://www.w3.org/TR/trace-context/ (the CloudEvents distributed-tracing extension). */
  traceparent?: string;
  /** W3C `tracestate`: vendor trace data that travels with `traceparent` (only with it). */
  tracestate?: string;
}

export type KafkaHeaderValue = Buffer | string | (Buffer | string)[] | undefined;
export type KafkaHeaders = Record<string, KafkaHeaderValue>;

/** The `ce_*` header of each CloudEvents attribute (Kafka protocol binding, binary content mode). */
export const CE_HEADER = {
  id: 'ce_id',
  source: 'ce_source',
  type: 'ce_type',
  specversion: 'ce_specversion',
  time: 'ce_time',
  subject: 'ce_subject',
  dataschema: 'ce_dataschema',
} as const satisfies Record<
  Exclude<keyof CloudEventAttributes, 'datacontenttype' | 'correlationId' | 'traceparent' | 'tracestate'>,
  string
>;
export const CONTENT_TYPE_HEADER = 'content-type';
export const CORRELATION_ID_HEADER = 'correlation-id';
/**
 * The CloudEvents distributed-tracing extension's attributes travel as the W3C Trace Context headers
 * themselves (`traceparent`, `tracestate`), as OpenTelemetry's messaging propagation reads them, not as
 * `ce_traceparent` (docs/adr/0026).
 */
export const TRACEPARENT_HEADER = 'traceparent';
export const TRACESTATE_HEADER = 'tracestate';
/** A `tracestate` is at most 32 list members (https://www.w3.org/TR/trace-context/#tracestate-limits): 512 characters is what is passed on. */
const MAX_TRACESTATE = 512;

/** `ce_source` of the events a service publishes. */
export function eventSource(service: string): string {
  return `/cn/edu/partybuilding/${service}`;
}

/**
 * W3C trace context `traceparent`: version-traceid-parentid-flags, lowercase hex. A future version
 * may append fields after another `-`; version `ff` is invalid (https://www.w3.org/TR/trace-context/#traceparent-header).
 */
export const TRACEPARENT_PATTERN = '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}(-[0-9a-zA-Z_.-]*)?$';
const traceparentRe = new RegExp(TRACEPARENT_PATTERN);

export function isValidTraceparent(value: string): boolean {
  if (!traceparentRe.test(value)) return false;
  const [version, traceId, parentId] = value.split('-') as [string, string, string];
  if (version === 'ff') return false;
  if (version === '00' && value.length !== 55) return false;
  return !/^0+$/.test(traceId) && !/^0+$/.test(parentId);
}

/** The trace id a valid `traceparent` names (32 lowercase hex digits), else undefined. */
export function traceIdOf(traceparent: string | undefined): string | undefined {
  return traceparent && isValidTraceparent(traceparent) ? traceparent.split('-')[1] : undefined;
}

/** Writes the attributes as Kafka record headers (CloudEvents Kafka protocol binding, binary mode). */
export function toKafkaHeaders(attrs: CloudEventAttributes): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [attr, header] of Object.entries(CE_HEADER) as [keyof typeof CE_HEADER, string][]) {
    const value = attrs[attr];
    if (value !== undefined) headers[header] = value;
  }
  headers[CONTENT_TYPE_HEADER] = attrs.datacontenttype;
  if (attrs.correlationId) headers[CORRELATION_ID_HEADER] = attrs.correlationId;
  // A malformed trace context is not passed on: tracing is best effort, the event is not.
  if (attrs.traceparent && isValidTraceparent(attrs.traceparent)) {
    headers[TRACEPARENT_HEADER] = attrs.traceparent;
    if (attrs.tracestate && attrs.tracestate.length <= MAX_TRACESTATE) headers[TRACESTATE_HEADER] = attrs.tracestate;
  }
  return headers;
}

/**
 * The headers of one event of a contract (its `type` and `dataschema`): `specversion` 1.0, JSON
 * content, a new id and the current time unless given. Producers (the outbox relay) and tests that
 * publish by hand write their records with it.
 */
export function eventHeaders(
  contract: { type: string; dataschema?: string },
  attrs: Pick<CloudEventAttributes, 'source'> &
    Partial<Pick<CloudEventAttributes, 'id' | 'time' | 'subject' | 'correlationId' | 'traceparent' | 'tracestate'>>,
): Record<string, string> {
  return toKafkaHeaders({
    id: attrs.id ?? newEventId(),
    source: attrs.source,
    type: contract.type,
    specversion: '1.0',
    time: attrs.time ?? new Date().toISOString(),
    ...(attrs.subject ? { subject: attrs.subject } : {}),
    ...(contract.dataschema ? { dataschema: contract.dataschema } : {}),
    datacontenttype: 'application/json',
    ...(attrs.correlationId ? { correlationId: attrs.correlationId } : {}),
    ...(attrs.traceparent ? { traceparent: attrs.traceparent } : {}),
    ...(attrs.tracestate ? { tracestate: attrs.tracestate } : {}),
  });
}

function headerString(value: KafkaHeaderValue): string | undefined {
  if (value === undefined) return undefined;
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return undefined;
  return typeof first === 'string' ? first : first.toString('utf8');
}

export class InvalidCloudEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidCloudEventError';
  }
}

/**
 * Reads the attributes back from Kafka record headers; throws when a required one is missing.
 * A malformed `traceparent` is dropped (the consumer starts a new trace), never fatal.
 */
export function fromKafkaHeaders(headers: KafkaHeaders | undefined): CloudEventAttributes {
  const h = headers ?? {};
  const read = (name: string) => headerString(h[name]);
  const required = (name: string) => {
    const v = read(name);
    if (!v) throw new InvalidCloudEventError(`missing header ${name}`);
    return v;
  };
  const specversion = required(CE_HEADER.specversion);
  if (specversion !== '1.0') throw new InvalidCloudEventError(`unsupported ce_specversion ${specversion}`);
  const contentType = read(CONTENT_TYPE_HEADER) ?? 'application/json';
  if (!contentType.startsWith('application/json')) {
    throw new InvalidCloudEventError(`unsupported content-type ${contentType}`);
  }
  const attrs: CloudEventAttributes = {
    id: required(CE_HEADER.id),
    source: required(CE_HEADER.source),
    type: required(CE_HEADER.type),
    specversion: '1.0',
    time: required(CE_HEADER.time),
    datacontenttype: 'application/json',
  };
  const traceparent = read(TRACEPARENT_HEADER);
  const traced = Boolean(traceparent && isValidTraceparent(traceparent));
  const tracestate = traced ? read(TRACESTATE_HEADER) : undefined;
  const optional = {
    subject: read(CE_HEADER.subject),
    dataschema: read(CE_HEADER.dataschema),
    correlationId: read(CORRELATION_ID_HEADER),
    traceparent: traced ? traceparent : undefined,
    tracestate: tracestate && tracestate.length <= MAX_TRACESTATE ? tracestate : undefined,
  };
  for (const [k, v] of Object.entries(optional)) if (v) (attrs as unknown as Record<string, string>)[k] = v;
  return attrs;
}

export function newEventId(): string {
  return randomUUID();
}

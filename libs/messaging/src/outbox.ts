import { Schema } from 'mongoose';
import { newEventId, type EventContract, type EventData } from '@pb/contracts';
import { defineDocument, type DocumentOf, type DocumentSchema, type DocumentSpec, type Field, type Fields } from '@pb/persistence';
import { validateAgainst } from './event-contracts.js';
import { traceEventCreated } from './tracing.js';

/** An event waiting inside its aggregate document until the relay has published it (the outbox). */
export interface OutboxEvent {
  id: string;
  type: string;
  topic: string;
  /** Record key: the id of the org unit (school) the event is about, so its events stay in order. */
  key: string;
  subject?: string;
  dataschema: string;
  time: Date;
  data: Record<string, unknown>;
  correlationId?: string;
  /** W3C trace context of the write that queued the event (docs/adr/0026): the record headers carry it on. */
  traceparent?: string;
  tracestate?: string;
  /**
   * Position in the service's outbox sequence (`OutboxRelay.sequence`): the relay publishes in this
   * order across every document and collection of the service, so the events of one key stay in
   * write order even when they live in different aggregates.
   */
  seq?: number;
}

/** Mongoose sub-schema for the `outbox` array an aggregate document carries. */
export const OutboxEventSchema = new Schema<OutboxEvent>(
  {
    id: { type: String, required: true },
    type: { type: String, required: true },
    topic: { type: String, required: true },
    key: { type: String, required: true },
    subject: { type: String },
    dataschema: { type: String, required: true },
    time: { type: Date, required: true },
    data: { type: Schema.Types.Mixed, required: true },
    correlationId: { type: String },
    traceparent: { type: String },
    tracestate: { type: String },
    seq: { type: Number },
  },
  { _id: false },
);

/**
 * The relay's query for documents with pending events: every entry has a non-empty string `id`.
 * On MongoDB the multikey index below answers it from the index (only documents with pending
 * events); FerretDB 1.24 scans the collection whatever the filter (it pushes down `_id` only).
 */
export const PENDING_OUTBOX_FILTER = { 'outbox.id': { $gt: '' } } as const;

/** Adds the `outbox` array to an aggregate schema, with the index the relay's query uses. */
export function withOutbox<T extends Schema>(schema: T): T {
  schema.add({ outbox: { type: [OutboxEventSchema], default: [] } });
  // Serves: the outbox relay's query for documents with pending events (PENDING_OUTBOX_FILTER).
  schema.index({ 'outbox.id': 1 });
  return schema;
}

/** An aggregate's fields and its `outbox` (the events it holds until the relay has published them). */
type WithOutbox<F extends Fields> = F & { outbox: Field<OutboxEvent[]> };

/**
 * `defineDocument` for an aggregate that writes events: its fields, then the typed `outbox` and its index
 * (added last, as `withOutbox` does, so its place among the paths is the same whichever declared it).
 */
export function defineAggregate<F extends Fields, Stamped extends boolean = false>(
  spec: DocumentSpec<F, Stamped>,
): DocumentSchema<DocumentOf<WithOutbox<F>, Stamped>> {
  return withOutbox(defineDocument(spec));
}

export class EventSchemaViolation extends Error {
  constructor(
    readonly type: string,
    readonly errors: string[],
  ) {
    super(`event ${type} breaks its schema: ${errors.join('; ')}`);
    this.name = 'EventSchemaViolation';
  }
}

const validateOnProduce = process.env['NODE_ENV'] !== 'production';

/**
 * Builds an outbox entry for one event. The caller gives it its place in the service's sequence
 * (`await relay.sequence(entry)`), then puts it in the same single-document write as the state
 * change it describes ($push onto `outbox`), so neither can exist without the other.
 * Producers validate against the contract outside production (ARCHITECTURE.md §3). With tracing on,
 * the entry keeps the trace context of the write (the active span's, as a `create` span) unless given.
 */
export function pendingEvent<C extends EventContract>(
  contract: C,
  input: {
    key: string;
    subject?: string;
    data: NoInfer<EventData<C>>;
    correlationId?: string;
    traceparent?: string;
    tracestate?: string;
  },
): OutboxEvent {
  if (validateOnProduce) {
    const check = validateAgainst(contract, input.data);
    if (!check.ok) throw new EventSchemaViolation(contract.type, check.errors);
  }
  const event: OutboxEvent = {
    id: newEventId(),
    type: contract.type,
    topic: contract.topic,
    key: input.key,
    dataschema: contract.dataschema,
    time: new Date(),
    data: input.data as Record<string, unknown>,
  };
  if (input.subject) event.subject = input.subject;
  if (input.correlationId) event.correlationId = input.correlationId;
  const traced = input.traceparent ? { traceparent: input.traceparent, tracestate: input.tracestate } : traceEventCreated(event);
  if (traced.traceparent) event.traceparent = traced.traceparent;
  if (traced.traceparent && traced.tracestate) event.tracestate = traced.tracestate;
  return event;
}

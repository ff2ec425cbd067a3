import { Schema } from 'mongoose';
import { newEventId, validateEventData, type EventContract, type EventData } from '@pb/contracts';

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
  traceparent?: string;
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
  },
  { _id: false },
);

/** Adds the `outbox` array to an aggregate schema. */
export function withOutbox<T extends Schema>(schema: T): T {
  schema.add({ outbox: { type: [OutboxEventSchema], default: [] } });
  return schema;
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
 * Builds an outbox entry for one event. The caller puts it in the same single-document write as
 * the state change it describes ($push onto `outbox`), so neither can exist without the other.
 * Producers validate against the contract outside production (ARCHITECTURE.md §3).
 */
export function pendingEvent<C extends EventContract>(
  contract: C,
  input: { key: string; subject?: string; data: NoInfer<EventData<C>>; correlationId?: string; traceparent?: string },
): OutboxEvent {
  if (validateOnProduce) {
    const check = validateEventData(contract.type, input.data);
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
  if (input.traceparent) event.traceparent = input.traceparent;
  return event;
}

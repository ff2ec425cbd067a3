import type { FromSchema, JSONSchema } from 'json-schema-to-ts';

/** Base URI of the published event schemas (ce_dataschema). An identifier: each schema is also in the AsyncAPI document. */
export const SCHEMA_BASE_URI = 'https://schemas.partybuilding.edu.cn/events';

/**
 * The Kafka record key of an event: always the id of the org unit (school, bureau) the event is about,
 * so that one unit's events land on one partition and stay in order (ARCHITECTURE.md §3).
 */
export interface EventKey {
  /** The data field whose value is the key. */
  readonly field: string;
  /** What the key identifies, for consumers (written into the AsyncAPI document). */
  readonly description: string;
}

/** One event type and version: its topic, its JSON Schema, and (through `EventData`) its TypeScript type. */
export interface EventContract<S extends JSONSchema = JSONSchema> {
  /** Reverse-DNS, versioned: `cn.edu.partybuilding.<context>.<aggregate>.<verb>.v<N>`. */
  readonly type: string;
  readonly topic: string;
  readonly description: string;
  /** The one service that publishes this type. */
  readonly producer: string;
  readonly key: EventKey;
  readonly schema: S;
  readonly dataschema: string;
}

export type EventData<C> = C extends EventContract<infer S> ? FromSchema<S> : never;

/** Names of the properties a schema requires, for `key.field`. */
type RequiredField<S> = S extends { readonly required: readonly (infer F)[] } ? Extract<F, string> : never;

export function defineEvent<const S extends JSONSchema, const F extends RequiredField<S>>(def: {
  type: string;
  topic: string;
  description: string;
  producer: string;
  key: { field: F; description: string };
  schema: S;
}): EventContract<S> {
  if (!/^cn\.edu\.partybuilding\.[a-z-]+(\.[a-z-]+)+\.v\d+$/.test(def.type)) {
    throw new Error(`event type ${def.type} is not reverse-DNS and versioned`);
  }
  const keySchema = (def.schema as { properties?: Record<string, { type?: unknown }> }).properties?.[def.key.field];
  if (keySchema?.type !== 'string') {
    throw new Error(`event type ${def.type}: key field ${def.key.field} must be a required string property of the schema`);
  }
  return { ...def, dataschema: `${SCHEMA_BASE_URI}/${def.type}.json` };
}

/**
 * The events of one aggregate on one topic share their topic, producer and key: declared once, each
 * event then gives its type, description and schema. The key field must be a required property of
 * every schema (a schema without it does not compile: the extra argument is demanded).
 */
export function eventFamily<const F extends string>(common: { topic: string; producer: string; key: { field: F; description: string } }) {
  return <const S extends JSONSchema>(
    type: string,
    description: string,
    schema: S,
    ..._keyIsRequired: [F] extends [RequiredField<S>] ? [] : [`key field ${F} is not required by the schema`]
  ): EventContract<S> => defineEvent({ ...common, type, description, schema } as Parameters<typeof defineEvent<S, RequiredField<S>>>[0]);
}

/** The record key of one event: the value of its contract's key field (the org unit id). */
export function recordKeyOf(contract: EventContract, data: object): string {
  const key = (data as Record<string, unknown>)[contract.key.field];
  if (typeof key !== 'string') throw new Error(`event type ${contract.type}: no ${contract.key.field} in the data for the record key`);
  return key;
}

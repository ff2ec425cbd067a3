import type { FromSchema, JSONSchema } from 'json-schema-to-ts';

/** Base URI of the published event schemas (ce_dataschema). */
export const SCHEMA_BASE_URI = 'https://schemas.partybuilding.edu.cn/events';

/** One event type and version: its topic, its JSON Schema, and (through `EventData`) its TypeScript type. */
export interface EventContract<S extends JSONSchema = JSONSchema> {
  /** Reverse-DNS, versioned: `cn.edu.partybuilding.<context>.<aggregate>.<verb>.v<N>`. */
  readonly type: string;
  readonly topic: string;
  readonly description: string;
  readonly schema: S;
  readonly dataschema: string;
}

export type EventData<C> = C extends EventContract<infer S> ? FromSchema<S> : never;

export function defineEvent<const S extends JSONSchema>(def: {
  type: string;
  topic: string;
  description: string;
  schema: S;
}): EventContract<S> {
  if (!/^cn\.edu\.partybuilding\.[a-z-]+(\.[a-z-]+)+\.v\d+$/.test(def.type)) {
    throw new Error(`event type ${def.type} is not reverse-DNS and versioned`);
  }
  return { ...def, dataschema: `${SCHEMA_BASE_URI}/${def.type}.json` };
}

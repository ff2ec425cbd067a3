/**
 * Schema fragments the API bodies, views and event payloads share, each declared once: build a schema
 * from these rather than writing `{ type: 'object', additionalProperties: false, required, properties }`
 * or a date pattern again. Every builder keeps its result a literal type, so `FromSchema` still gives
 * the exact TypeScript type.
 */

/** A date as events carry it: YYYY-MM-DD (ADR 0006 holds this pattern; the API's IsoDateSchema is stricter). */
export const EVENT_DATE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}$';
export const eventDate = { type: 'string', pattern: EVENT_DATE_PATTERN } as const;
/** An event date that is null until it happens (e.g. closedOn, endedOn). */
export const eventDateOrNull = { type: ['string', 'null'], pattern: EVENT_DATE_PATTERN } as const;
/** The aggregate's version after the change an event reports. */
export const eventVersion = { type: 'integer', minimum: 1 } as const;
/** A non-empty id in an event. */
export const eventId = { type: 'string', minLength: 1 } as const;

/** Untyped-but-for-its-type view fields: what the API answers, not what it accepts. */
export const anyString = { type: 'string' } as const;
export const stringOrNull = { type: ['string', 'null'] } as const;
export const anyInteger = { type: 'integer' } as const;
export const dateTime = { type: 'string', format: 'date-time' } as const;
export const stringList = { type: 'array', items: anyString } as const;
/** View fields that are plain strings, by name: `...strings('id', 'name')`. */
export const strings = <const N extends string>(...names: N[]) =>
  Object.fromEntries(names.map((n) => [n, anyString])) as { readonly [K in N]: typeof anyString };
export const openClosed = { type: 'string', enum: ['open', 'closed'] } as const;

/** A required, bounded text: `{ type: 'string', minLength: 1, maxLength, description }`. */
export const text = <const M extends number, const D extends string>(max: M, description: D) =>
  ({ type: 'string', minLength: 1, maxLength: max, description }) as const;

/** A request body (or nested input object): closed, with its required properties. */
export const body = <const R extends readonly string[], const P extends object>(required: R, properties: P) =>
  ({ type: 'object', additionalProperties: false, required, properties }) as const;

/** A partial update body: closed, at least one property. */
export const patchBody = <const P extends object>(properties: P) =>
  ({ type: 'object', additionalProperties: false, minProperties: 1, properties }) as const;

/** An answer's object: its required properties (open: the API may add optional ones). */
export const view = <const R extends readonly string[], const P extends object>(required: R, properties: P) =>
  ({ type: 'object', required, properties }) as const;

/** An event's state: the aggregate's properties after the change; open unless `closed` (no extras may ride along). */
export const eventState = <const R extends readonly string[], const P extends object, const A extends boolean = true>(
  required: R,
  properties: P,
  additionalProperties: A = true as A,
) => ({ type: 'object', additionalProperties, required, properties }) as const;

type StateSchema = {
  readonly type: 'object';
  readonly additionalProperties: boolean;
  readonly required: readonly string[];
  readonly properties: object;
};

/** The state of an event type plus the fields only this type carries (`extraRequired` among them required). */
export function withState<const S extends StateSchema, const X extends object, const XR extends readonly (keyof X & string)[] = []>(
  state: S,
  extra: X,
  extraRequired: XR = [] as unknown as XR,
): {
  readonly type: 'object';
  readonly additionalProperties: S['additionalProperties'];
  readonly required: readonly [...S['required'], ...XR];
  readonly properties: S['properties'] & X;
} {
  return {
    type: 'object',
    additionalProperties: state.additionalProperties,
    required: [...state.required, ...extraRequired] as unknown as readonly [...S['required'], ...XR],
    properties: { ...state.properties, ...extra },
  };
}

/** An answer that is an input body plus what the server adds (`extraRequired` among them always present); open. */
export function viewOf<
  const B extends { readonly required?: readonly string[]; readonly properties: object },
  const X extends object,
  const XR extends readonly (keyof X & string)[] = [],
>(
  input: B,
  extra: X,
  extraRequired: XR = [] as unknown as XR,
): {
  readonly type: 'object';
  readonly required: readonly [...(B['required'] extends readonly string[] ? B['required'] : []), ...XR];
  readonly properties: B['properties'] & X;
} {
  return {
    type: 'object',
    required: [...(input.required ?? []), ...extraRequired] as unknown as readonly [
      ...(B['required'] extends readonly string[] ? B['required'] : []),
      ...XR,
    ],
    properties: { ...input.properties, ...extra },
  };
}

export const dateTimeOrNull = { type: ['string', 'null'], format: 'date-time' } as const;
export const bilingual = view(['zh', 'en'], {
  zh: { type: 'string', description: '中文' },
  en: { type: 'string', description: 'English' },
});

/**
 * A deadline: the FIRST LATE INSTANT (exclusive end of the window). A submission before it is on time,
 * one at or after it is late; the last on-time day is the local day before it (city time zone).
 */
export const dueAtSchema = {
  type: 'string',
  format: 'date-time',
  description:
    'The first late instant: a submission before it is on time, at or after it late (the last on-time day is the local day before it). 截止时刻：此刻起（含）报送即为迟报',
} as const;

import { Schema, type SchemaDefinition } from 'mongoose';

/**
 * One path of a stored document, written once: its mongoose definition, and (as a type that exists only
 * for the compiler) the TypeScript type of its value. `defineDocument` turns a record of fields into both
 * the schema and the document type, so a schema file never lists its fields a second time as an interface.
 *
 * mongoose's own `InferSchemaType` does not serve here: it types `Mixed` paths `any` (the typed nested
 * values: visits, milestones, form content) and a `default: null` path as `T | null | undefined`.
 */
export class Field<T, Optional extends boolean = false> {
  declare readonly __value: T;
  declare readonly __optional: Optional;

  constructor(
    /** The mongoose path definition (`{ type: String, required: true }`...). */
    readonly definition: Readonly<Record<string, unknown>>,
  ) {}

  /** May be absent: no `required` (an array also loses mongoose's implicit `[]`). The key is optional in the type. */
  optional(): Field<T, true> {
    const { required: _, ...rest } = this.definition;
    return new Field(Array.isArray(rest['type']) ? { ...rest, default: undefined } : rest);
  }

  /** Absent means `null`: `default: null`, no `required`. */
  orNull(): Field<T | null> {
    const { required: _, ...rest } = this.definition;
    return new Field({ ...rest, default: null });
  }

  /** Filled in when absent (a function is called for each new document): `default`, no `required`. */
  default(value: T | (() => T)): Field<T> {
    const { required: _, ...rest } = this.definition;
    return new Field({ ...rest, default: value });
  }

  /** `required` as well as a default: an explicit `null` is refused. */
  required(): Field<T> {
    return new Field({ ...this.definition, required: true });
  }
}

/** The field builders. Each starts required (`required: true`); `.optional()`, `.orNull()`, `.default()` change that. */
export const field = {
  string: <T extends string = string>(): Field<T> => new Field({ type: String, required: true }),
  /** A string restricted to `values` (mongoose `enum`), typed as their union. */
  oneOf: <const V extends readonly string[]>(values: V) => new Field<V[number]>({ type: String, required: true, enum: [...values] }),
  number: () => new Field<number>({ type: Number, required: true }),
  boolean: () => new Field<boolean>({ type: Boolean, required: true }),
  date: () => new Field<Date>({ type: Date, required: true }),
  strings: <T extends string = string>(): Field<T[]> => new Field({ type: [String], required: true }),
  /** A value mongoose does not look into (`Mixed`), typed by the caller: checked where it is written. */
  mixed: <T>(): Field<T> => new Field({ type: Schema.Types.Mixed, required: true }),
  /** An array of such values (`[Mixed]`). */
  mixedList: <T>(): Field<T[]> => new Field({ type: [Schema.Types.Mixed], required: true }),
  /** Any other mongoose path definition, typed by the caller (a sub-schema array, say). */
  of: <T>(definition: Readonly<Record<string, unknown>>): Field<T> => new Field(definition),
};

/**
 * A record of fields. `unknown`, not `any`: a builder called without a type argument (`field.string()`)
 * takes its default (`string`) instead of inferring `any` from this context.
 */
export type Fields = Record<string, Field<unknown, boolean>>;

type Simplify<T> = { [K in keyof T]: T[K] } & {};
type RequiredKeys<F extends Fields> = { [K in keyof F]: F[K]['__optional'] extends true ? never : K }[keyof F];
type OptionalKeys<F extends Fields> = { [K in keyof F]: F[K]['__optional'] extends true ? K : never }[keyof F];
type Timestamps<Stamped extends boolean> = Stamped extends true ? { createdAt: Date; updatedAt: Date } : unknown;

/** The document type of a field record: a required key per required or defaulted field, `_id` a string unless given. */
export type DocumentOf<F extends Fields, Stamped extends boolean = false> = Simplify<
  Omit<{ _id: string }, keyof F> & { [K in RequiredKeys<F>]: F[K]['__value'] } & {
    [K in OptionalKeys<F>]?: F[K]['__value'];
  } & Timestamps<Stamped>
>;

export interface DocumentSpec<F extends Fields, Stamped extends boolean = false> {
  /** The collection's name in the service's database. */
  collection: string;
  /** The fields after `_id` (a string, required, unless `fields` gives it). */
  fields: F;
  /** mongoose sets `createdAt` on create and `updatedAt` on each write through the model; both join the type. */
  timestamps?: Stamped;
  /** `false` stores empty objects (`{}`) as they are instead of dropping them. */
  minimize?: false;
}

/**
 * A collection's schema from its fields, with the options every document of the platform shares: a string
 * `_id` the service chooses, no `__v` (`versionKey: false`; concurrency is the document's own `version`).
 * Indexes stay next to the call, each with its "Serves:" comment.
 */
export function defineDocument<F extends Fields, Stamped extends boolean = false>(
  spec: DocumentSpec<F, Stamped>,
): DocumentSchema<DocumentOf<F, Stamped>> {
  const definition: Record<string, unknown> = { _id: field.string().definition };
  for (const [name, f] of Object.entries(spec.fields)) definition[name] = f.definition;
  return new Schema(definition as SchemaDefinition, {
    collection: spec.collection,
    versionKey: false,
    ...(spec.timestamps ? { timestamps: true } : {}),
    ...(spec.minimize === false ? { minimize: false } : {}),
  });
}

/**
 * A schema that knows the type of its documents (`DocumentType<typeof XSchema>`). The type parameter of
 * mongoose's `Schema` is left alone: models are typed where they are injected (`Model<X>`).
 */
export type DocumentSchema<D> = Schema & { readonly __document?: D };

/** The document type of a schema made by `defineDocument` (or `defineAggregate`). */
export type DocumentType<S> = S extends { readonly __document?: infer D } ? D : never;

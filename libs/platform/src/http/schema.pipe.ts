import { type PipeTransform } from '@nestjs/common';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { NOT_AFTER_TODAY } from '@pb/contracts';
import { problem, type Bilingual, type FieldProblem } from './problem.js';

/** Today's date as YYYY-MM-DD wherever it is already today (UTC+14), so no time zone's today is refused. */
export const latestToday = (now = Date.now()): string => new Date(now + 14 * 3_600_000).toISOString().slice(0, 10);

const addFormatsModuleFn = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
/** Formats, and the platform's own date keyword (`x-not-after-today`, see BirthDateSchema). */
const addFormats = (instance: Ajv): Ajv =>
  addFormatsModuleFn(instance).addKeyword({
    keyword: NOT_AFTER_TODAY,
    type: 'string',
    schemaType: 'boolean',
    errors: false,
    validate: (on: boolean, date: string) => !on || date <= latestToday(),
  });
const ajv = addFormats(new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, removeAdditional: false }));
/** Query strings are text: numbers and booleans are coerced, defaults filled in. */
const queryAjv = addFormats(new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, coerceTypes: true, useDefaults: true }));

function message(e: ErrorObject): Bilingual {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { zh: `缺少必填栏位 ${String(p['missingProperty'])}`, en: `${String(p['missingProperty'])} is required` };
    case 'additionalProperties':
      return { zh: `不允许的栏位 ${String(p['additionalProperty'])}`, en: `unknown field ${String(p['additionalProperty'])}` };
    case 'type':
      return { zh: `类型应为 ${String(p['type'])}`, en: `must be of type ${String(p['type'])}` };
    case 'enum':
      return { zh: `取值应为 ${JSON.stringify(p['allowedValues'])} 之一`, en: `must be one of ${JSON.stringify(p['allowedValues'])}` };
    case 'minLength':
      return { zh: `长度至少为 ${String(p['limit'])}`, en: `must have at least ${String(p['limit'])} characters` };
    case 'maxLength':
      return { zh: `长度最多为 ${String(p['limit'])}`, en: `must have at most ${String(p['limit'])} characters` };
    case 'pattern':
      return { zh: `格式应符合 ${String(p['pattern'])}`, en: `must match ${String(p['pattern'])}` };
    case 'minimum':
      return { zh: `不得小于 ${String(p['limit'])}`, en: `must be >= ${String(p['limit'])}` };
    case 'maximum':
      return { zh: `不得大于 ${String(p['limit'])}`, en: `must be <= ${String(p['limit'])}` };
    case 'minProperties':
      return { zh: `至少需要 ${String(p['limit'])} 个栏位`, en: `must have at least ${String(p['limit'])} field(s)` };
    case 'uniqueItems':
      return { zh: '不得有重复项', en: 'must not contain duplicates' };
    case NOT_AFTER_TODAY:
      return { zh: '不得晚于今日', en: 'must not be after today' };
    case 'format':
      return { zh: `格式应为 ${String(p['format'])}`, en: `must be a valid ${String(p['format'])}` };
    default:
      return { zh: `不符合规则 ${e.keyword}`, en: e.message ?? `breaks rule ${e.keyword}` };
  }
}

function pointer(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  if (e.keyword === 'required') return `${e.instancePath}/${String(p['missingProperty'])}`;
  if (e.keyword === 'additionalProperties') return `${e.instancePath}/${String(p['additionalProperty'])}`;
  return e.instancePath || '/';
}

/** The names of an object schema's integer properties. */
function integerProperties(schema: object): string[] {
  const properties = (schema as { properties?: Record<string, { type?: unknown }> }).properties ?? {};
  return Object.entries(properties)
    .filter(([, p]) => p.type === 'integer')
    .map(([name]) => name);
}

/**
 * The problems of one value against a JSON Schema, without throwing: each invalid field by pointer
 * and rule, with its message in both languages (empty when valid). `query: true` treats the value as
 * text (a query string, a CSV row): numbers and booleans coerced, defaults filled in, integers in
 * decimal digits only. `at` prefixes the pointers (`/query`, `/params`) where the value is not the body.
 */
export function schemaChecker(schema: object, options: { query?: boolean; at?: string } = {}): (value: unknown) => FieldProblem[] {
  const validate: ValidateFunction = (options.query ? queryAjv : ajv).compile(schema);
  const at = options.at ?? '';
  const integers = options.query ? integerProperties(schema) : [];
  return (value: unknown): FieldProblem[] => {
    // ajv would coerce `1e3` or ` 7` to a number: an integer in text is written in decimal digits or refused.
    const notDecimal = integers.filter((name) => {
      const raw = (value as Record<string, unknown> | null)?.[name];
      return typeof raw === 'string' && !/^-?\d{1,15}$/.test(raw);
    });
    if (notDecimal.length === 0 && validate(value)) return [];
    return [
      ...notDecimal.map((name) => ({
        pointer: `${at}/${name}`,
        rule: 'type',
        message: { zh: '应为十进制整数', en: 'must be an integer in decimal digits' },
      })),
      ...(notDecimal.length > 0 ? [] : (validate.errors ?? [])).map((e) => ({
        pointer: `${at}${pointer(e)}`.replace(/(.)\/$/, '$1'),
        rule: e.keyword,
        message: message(e),
      })),
    ];
  };
}

/**
 * A validator of one JSON Schema: returns the value (query strings coerced, defaults filled in) or
 * throws the 400 problem+json naming each invalid field by pointer and rule (`schemaChecker`).
 */
export function schemaValidator<T>(schema: object, options: { query?: boolean; at?: string } = {}): (value: unknown) => T {
  const check = schemaChecker(schema, options);
  return (value: unknown): T => {
    // A query object from Fastify has a null prototype; a copy keeps ajv's defaults and coercion simple.
    if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === null) value = { ...value };
    const errors = check(value);
    if (errors.length === 0) return value as T;
    throw problem.validation({ zh: `${errors.length} 个栏位无效`, en: `${errors.length} invalid field(s)` }, errors);
  };
}

/**
 * Validates a request body against a JSON Schema: the same schema documents the route in OpenAPI
 * and gives its TypeScript type (FromSchema). Failures are 400 problem+json naming field and rule.
 */
export class SchemaPipe<T> implements PipeTransform<unknown, T> {
  private readonly validate: (value: unknown) => T;

  constructor(
    readonly schema: object,
    options: { query?: boolean } = {},
  ) {
    this.validate = schemaValidator<T>(schema, options);
  }

  transform(value: unknown): T {
    return this.validate(value);
  }
}

/** Validates a query string against a JSON Schema (coercing types, filling defaults). */
export class QueryPipe<T> extends SchemaPipe<T> {
  constructor(schema: object) {
    super(schema, { query: true });
  }
}

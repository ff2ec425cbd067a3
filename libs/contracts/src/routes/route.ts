/**
 * The route table's vocabulary (ARCHITECTURE.md §2, docs/adr/0011): each public operation is declared
 * once, here in the contracts, with everything the gateway needs to authorise, validate, forward and
 * document it, and everything the owning service needs to bind its handler to the same entry.
 */
import { pageQueryProperties, pageSchema } from '../api/common.js';

/** Roles an account holds (ARCHITECTURE.md §7). */
export const ROLES = ['city-admin', 'county-admin', 'school-secretary', 'inspector', 'analyst'] as const;
export type Role = (typeof ROLES)[number];
/** Every role: routes any authenticated caller may use. */
export const ALL_ROLES: readonly [Role, ...Role[]] = ROLES;
export const ADMINS: readonly [Role, ...Role[]] = ['city-admin', 'county-admin'];

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
/** The service that owns a route: the gateway itself (identity, audit, documents) or a domain service. */
export type ServiceName = 'gateway' | 'org-registry' | 'reporting' | 'evaluation' | 'training' | 'notifications';
/** A JSON Schema (draft 2020-12 as OpenAPI 3.1 uses it); kept loose here, checked by ajv's strict mode. */
export type JsonSchema = Readonly<Record<string, unknown>>;

export interface RouteAnswer {
  status: number;
  description?: string;
  schema?: JsonSchema;
  /** `application/json` unless said (e.g. `text/csv`, `text/html`). */
  contentType?: string;
}

export interface RouteSpec {
  method: HttpMethod;
  /** The public path, OpenAPI style (`/api/v1/org-units/{id}`); the owning service serves the same path. */
  path: string;
  service: ServiceName;
  /** OpenAPI tag: English name, then Chinese. */
  tag: string;
  /** Roles admitted (others get 403), or `public`: no credentials needed. */
  roles: readonly [Role, ...Role[]] | 'public';
  summary: string;
  description?: string;
  /** Path parameters by name. */
  params?: Readonly<Record<string, JsonSchema>>;
  /** Query parameters by name (any other name is refused with 400). */
  query?: Readonly<Record<string, JsonSchema>>;
  requiredQuery?: readonly string[];
  body?: JsonSchema;
  /**
   * A body that is not JSON: a file streamed to the owning service as it arrives (docs/adr/0020), never
   * parsed or held whole by the gateway. Only these media types are taken (415 otherwise); a body over
   * `maxBytes` is refused with 413 (by Content-Length before it is read, or when the count passes it).
   */
  upload?: { mediaTypes: readonly [string, ...string[]]; maxBytes: number; description: string };
  /** The answer on success. */
  ok: RouteAnswer;
  /** Another success answer (e.g. 202 while work follows). */
  also?: RouteAnswer;
  /** Problems this operation answers besides the ones every operation may give, by status; `true`: the standard text. */
  problems?: Readonly<Partial<Record<403 | 404 | 409 | 412 | 413 | 415 | 422 | 428 | 401, string | true>>>;
  /** `If-Match` with the ETag read: honoured when sent (`optional`: 412 when stale) or demanded (`required`: 428 without). */
  ifMatch?: 'optional' | 'required';
  /** `Idempotency-Key`: a retry with the same key returns the first answer (428 without). */
  idempotencyKey?: 'required';
  /** A list answered a page at a time (`limit`, `cursor`; `{ items, next, nextCursor }`). */
  paginated?: { maxLimit: number; defaultLimit: number };
  /** Titles and texts follow `Accept-Language` (zh-Hans by default, or en). */
  language?: boolean;
}

/** The entry as written, with the pagination parameters and page answer filled in. */
export function route<const R extends RouteSpec>(spec: R): R {
  if (!spec.paginated) return spec;
  const { maxLimit, defaultLimit } = spec.paginated;
  const limit = {
    ...pageQueryProperties.limit,
    maximum: maxLimit,
    default: defaultLimit,
    description: `Items per page (1-${maxLimit}, default ${defaultLimit}). 每页条数`,
  };
  return {
    ...spec,
    query: { ...spec.query, limit, cursor: pageQueryProperties.cursor },
    ok: { ...spec.ok, schema: pageSchema(spec.ok.schema ?? {}) },
  };
}

/** `/api/v1/org-units/{id}` -> `/api/v1/org-units/:id` (Nest's and Fastify's form). */
export function expressPath(path: string): string {
  return path.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1');
}

/** The JSON Schema of an operation's query string: declared names only. */
export function querySchemaOf(spec: RouteSpec): JsonSchema {
  return {
    type: 'object',
    additionalProperties: false,
    properties: spec.query ?? {},
    ...(spec.requiredQuery?.length ? { required: spec.requiredQuery } : {}),
  };
}

/** The JSON Schema of an operation's path parameters. */
export function paramsSchemaOf(spec: RouteSpec): JsonSchema {
  const names = Object.keys(spec.params ?? {});
  return { type: 'object', properties: spec.params ?? {}, required: names };
}

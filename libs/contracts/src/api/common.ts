import { PROBLEM_TYPE_URLS } from './problem-types.js';

/** Shapes every route of the public API shares: problems and cursor pages (docs/adr/0007). */

/** RFC 9457 problem, as every error leaves the gateway (`application/problem+json`). */
export const ProblemSchema = {
  type: 'object',
  required: ['type', 'title', 'status'],
  properties: {
    type: {
      type: 'string',
      // The catalogue, plus about:blank for errors the framework raises itself (RFC 9457 section 4.2.1).
      enum: [...PROBLEM_TYPE_URLS, 'about:blank'],
      description: 'Problem type URI, one of the catalogue (libs/contracts/src/api/problem-types.ts). 问题类型',
    },
    title: { type: 'string', description: "Title in the caller's language (Accept-Language). 标题" },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    correlationId: { type: 'string', description: 'Also in the x-correlation-id header. 关联标识' },
    errors: {
      type: 'array',
      description: 'One entry per invalid field. 每个无效栏位一条',
      items: {
        type: 'object',
        required: ['pointer', 'rule', 'message'],
        properties: {
          pointer: { type: 'string', description: 'JSON pointer of the field, e.g. /code. 栏位的 JSON 指针' },
          rule: { type: 'string', description: 'The schema rule it broke, e.g. pattern. 违反的规则' },
          message: { type: 'string' },
        },
      },
    },
  },
} as const;

/**
 * How deep arrays and objects may nest in a JSON body (docs/adr/0018): deeper ones are refused with
 * 400 before anything walks them. No body of the API needs more than a handful of levels.
 */
export const MAX_JSON_DEPTH = 32;

/** An org unit id, in bodies and queries. */
export const unitIdSchema = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' } as const;

/** Query parameters of every list route: `limit` (1-100, default 20) and the opaque `cursor`. */
export const PAGE_LIMIT_MAX = 100;
export const PAGE_LIMIT_DEFAULT = 20;
export const pageQueryProperties = {
  limit: {
    type: 'integer',
    minimum: 1,
    maximum: PAGE_LIMIT_MAX,
    default: PAGE_LIMIT_DEFAULT,
    description: 'Items per page (1-100). 每页条数',
  },
  cursor: {
    type: 'string',
    minLength: 1,
    maxLength: 512,
    pattern: '^[A-Za-z0-9_-]+$',
    description: 'Opaque cursor from the `next` link of the previous page. 上一页返回的游标',
  },
} as const;

/**
 * The query of a list over a subtree: `unit` (the subtree root, default the caller's own unit), the
 * route's own filters, then `limit` and `cursor`.
 */
export function subtreeListQuery<const F extends object>(filters: F) {
  return {
    type: 'object',
    additionalProperties: false,
    properties: {
      unit: { ...unitIdSchema, description: 'Subtree root; defaults to your own unit. 查询范围' },
      ...filters,
      ...pageQueryProperties,
    },
  } as const;
}

/**
 * The one page of every list: follow `next`, or pass `nextCursor` back as `cursor`, until they are
 * null (keyset pagination, docs/adr/0013).
 */
export function pageSchema<const S extends object>(items: S) {
  return {
    type: 'object',
    required: ['items', 'nextCursor', 'next'],
    properties: {
      items: { type: 'array', items },
      nextCursor: { type: ['string', 'null'], description: 'Cursor of the next page; null on the last page. 下一页游标' },
      next: { type: ['string', 'null'], description: 'URL of the next page, null on the last. 下一页链接' },
    },
  } as const;
}

/**
 * Pieces shared by the API body schemas. A date of the platform lies between 1900-01-01 and
 * 2099-12-31 (the pattern's years): anything outside is a typing error, not a date the
 * party-building work can have (docs/adr/0018).
 */
export const IsoDateSchema = {
  type: 'string',
  pattern: '^(19|20)\\d{2}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$',
  description: 'A calendar date YYYY-MM-DD (city time zone), 1900-01-01..2099-12-31. 日期（1900至2099年）',
} as const;

/**
 * A keyword of the API's validator (libs/platform schema.pipe): a date that must not be after today
 * (a birth date). Extensions are `x-` keywords in OpenAPI 3.1, so the document carries it as written.
 */
export const NOT_AFTER_TODAY = 'x-not-after-today';

/** A birth date: 1900-01-01 up to today. */
export const BirthDateSchema = {
  ...IsoDateSchema,
  [NOT_AFTER_TODAY]: true,
  description: 'Date of birth YYYY-MM-DD, 1900-01-01 up to today. 出生日期（1900年至今日）',
} as const;

export const SlugIdSchema = {
  type: 'string',
  pattern: '^[a-z0-9][a-z0-9-]{2,63}$',
  description: 'Optional stable id (lowercase slug); generated when omitted. 标识（可选）',
} as const;

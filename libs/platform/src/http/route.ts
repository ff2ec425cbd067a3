import {
  applyDecorators,
  type CallHandler,
  type ExecutionContext,
  HttpCode,
  Injectable,
  type NestInterceptor,
  RequestMapping,
  RequestMethod,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { expressPath, paramsSchemaOf, querySchemaOf, type RouteSpec } from '@pb/contracts';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { Public } from '../auth/public.decorator.js';
import { Roles } from '../auth/roles.decorator.js';
import { checkUpload } from '../imports/upload.js';
import { problem } from './problem.js';
import { schemaValidator } from './schema.pipe.js';

export const ROUTE_KEY = 'pb:route';

export const IF_MATCH_PATTERN = '^(\\*|"\\d+"(\\s*,\\s*"\\d+")*)$';
export const IDEMPOTENCY_KEY_PATTERN = '^[A-Za-z0-9._:-]{8,128}$';
const STANDARD_PROBLEMS: Record<number, string> = {
  401: 'Missing, expired or invalid credentials 未认证',
  403: 'Your role may not call this operation 角色无权限',
  404: 'Not found, or outside your subtree 不存在或不在本辖区',
  409: 'Conflicts with the current state 与当前状态冲突',
  412: 'Changed since you read it (If-Match); the answer carries the current ETag 资源已被修改',
  415: 'Unsupported media type 不支持的内容类型',
  422: 'Breaks a rule of the domain 违反业务规则',
  428: 'A required precondition header is missing 缺少必需的前提标头',
};

/** Body fields whose value must be unique among its kind: creating a second one answers 409. */
const UNIQUE_KEY_FIELDS = ['id', 'code', 'username'] as const;

/**
 * The problems (4xx) an operation answers besides the ones every operation may give (400, 401, 403,
 * 404, 413, 429: buildOpenApiDocument), derived from its table entry: If-Match gives 412 (and 428 when
 * required), an Idempotency-Key 422 (same key, another body) and 428 (without one), a creation (201)
 * with a unique key (`id`, `code`, `username` in the body) 409. What the entry says itself comes first.
 */
export function problemsOf(spec: RouteSpec): Record<number, string> {
  const derived: Record<number, string | true | undefined> = {};
  if (spec.ifMatch) derived[412] = true;
  if (spec.ifMatch === 'required') derived[428] = true;
  if (spec.idempotencyKey) {
    derived[422] = 'The same Idempotency-Key with another body, or a rule of the domain broken 同一键不同内容，或违反业务规则';
    derived[428] = true;
  }
  const bodyFields = Object.keys((spec.body?.['properties'] as object | undefined) ?? {});
  if (spec.ok.status === 201 && UNIQUE_KEY_FIELDS.some((f) => bodyFields.includes(f))) derived[409] = true;
  const problems: Record<number, string> = {};
  for (const [status, text] of Object.entries({ ...derived, ...(spec.problems ?? {}) })) {
    if (text === undefined) continue;
    problems[Number(status)] = text === true ? (STANDARD_PROBLEMS[Number(status)] ?? status) : text;
  }
  return problems;
}

/**
 * Binds a handler to its entry in the route table (`Routes` in @pb/contracts): method and path, the
 * roles admitted (or public), the success status, validation of params, query and body
 * (RouteValidationInterceptor). The one way a route is declared, in a service or in the gateway; the
 * `pb/route-auth` lint rule refuses any other. Its OpenAPI comes from the same entry (`ROUTE_KEY`)
 * when a document is built (http/openapi.ts, the gateway only): a service that serves no document
 * never loads @nestjs/swagger (docs/adr/0027-idle-memory.md).
 */
export function Handle(spec: RouteSpec): MethodDecorator {
  return applyDecorators(
    RequestMapping({ path: expressPath(spec.path), method: RequestMethod[spec.method] }),
    SetMetadata(ROUTE_KEY, spec),
    HttpCode(spec.ok.status),
    spec.roles === 'public' ? Public() : Roles(...spec.roles),
  );
}

/** `Idempotency-Key` of an operation that needs one: 428 without, 400 when malformed. */
function idempotencyKeyOf(req: FastifyRequest): string {
  const raw = req.headers['idempotency-key'];
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (!key)
    throw problem.idempotencyKeyRequired({ zh: '此操作需要 Idempotency-Key 标头', en: 'This operation needs an Idempotency-Key header' });
  if (!new RegExp(IDEMPOTENCY_KEY_PATTERN).test(key)) {
    throw problem.validation({ zh: 'Idempotency-Key 格式无效', en: 'Invalid Idempotency-Key' }, [
      {
        pointer: '/headers/idempotency-key',
        rule: 'pattern',
        message: { zh: '应为 8-128 个字母、数字或 ._:-', en: 'must be 8-128 letters, digits or ._:-' },
      },
    ]);
  }
  return key;
}

/**
 * `If-Match` where the entry takes one: an empty one is a 400, not taken for an absent one (which an
 * optional precondition would skip). Tags that match no version are the owner's 412 (RFC 9110: a weak
 * or unknown tag never matches).
 */
function checkIfMatchHeader(req: FastifyRequest): void {
  const raw = req.headers['if-match'];
  if (raw === undefined || (Array.isArray(raw) ? raw.join('') : raw).trim() !== '') return;
  throw problem.validation({ zh: 'If-Match 为空', en: 'Empty If-Match' }, [
    {
      pointer: '/headers/if-match',
      rule: 'minLength',
      message: { zh: '应为 * 或读取时得到的 ETag（如 "3"），不得为空', en: 'must be * or the ETag you read (e.g. "3"), not empty' },
    },
  ]);
}

interface CompiledRoute {
  params: (value: unknown) => unknown;
  query: (value: unknown) => unknown;
  body?: (value: unknown) => unknown;
}

/**
 * Validates each request against its table entry before the handler runs: path parameters, the
 * query string (declared names only; numbers and booleans coerced, defaults filled in) and the JSON
 * body, each failure a 400 problem+json naming the field (JSON pointer) and the rule; an upload's
 * media type (415) and declared length (413) before its body is read.
 */
@Injectable()
export class RouteValidationInterceptor implements NestInterceptor {
  private readonly compiled = new Map<RouteSpec, CompiledRoute>();

  constructor(private readonly reflector: Reflector) {}

  private compile(spec: RouteSpec): CompiledRoute {
    let found = this.compiled.get(spec);
    if (!found) {
      found = {
        params: schemaValidator(paramsSchemaOf(spec)),
        query: schemaValidator(querySchemaOf(spec), { query: true }),
        ...(spec.body ? { body: schemaValidator(spec.body) } : {}),
      };
      this.compiled.set(spec, found);
    }
    return found;
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const spec = this.reflector.get<RouteSpec | undefined>(ROUTE_KEY, context.getHandler());
    if (!spec) return next.handle();
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const route = this.compile(spec);
    if (spec.idempotencyKey) idempotencyKeyOf(req);
    if (spec.ifMatch) checkIfMatchHeader(req);
    checkUpload(spec, req);
    route.params(req.params ?? {});
    req.query = route.query(req.query ?? {});
    if (route.body) req.body = route.body(req.body ?? {});
    return next.handle();
  }
}

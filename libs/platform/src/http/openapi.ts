import type { INestApplication, Type } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { ProblemSchema, type RouteSpec } from '@pb/contracts';
import { INFRASTRUCTURE_CONTROLLER } from './infrastructure.js';
import { IDEMPOTENCY_KEY_PATTERN, IF_MATCH_PATTERN, problemsOf, ROUTE_KEY } from './route.js';

// @nestjs/swagger (with its dependencies, a fifth of a service's modules) is loaded only here, when a
// document is built: the gateway serves one, the domain services none, and their processes never
// load it (docs/adr/0027-idle-memory.md). The route table's entries on the handlers (`ROUTE_KEY`,
// set by `Handle`) become swagger's decorators at that moment, once per handler.
type Swagger = typeof import('@nestjs/swagger');
const loadSwagger = (): Promise<Swagger> => import('@nestjs/swagger');

export interface ApiInfo {
  title: string;
  description: string;
  version: string;
}

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

/** Answers every operation may give, documented once here (RFC 9457 problems, zh/en). */
const COMMON = {
  '400': 'Invalid request: each invalid field by JSON pointer, rule and message 请求无效',
  '401': 'Missing, expired or invalid credentials 未认证',
  '403': 'Your role may not call this operation 角色无权限',
  '404': 'Not found, or outside your subtree 不存在或不在本辖区',
  '413': 'Body larger than the limit 请求内容过大',
  '429': 'Too many requests; see Retry-After 请求过于频繁',
} as const;

type Operation = {
  responses?: Record<string, { description?: string; content?: unknown }>;
  security?: unknown[];
  requestBody?: unknown;
  'x-public'?: boolean;
};

/** The OpenAPI of one table entry: roles, tag, operation, parameters, body, answers, headers. */
function documented(swagger: Swagger, spec: RouteSpec): MethodDecorator[] {
  const { ApiBody, ApiConsumes, ApiExtension, ApiHeader, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiResponse, ApiTags } = swagger;
  const docs: MethodDecorator[] = [
    // What Public() and Roles() say, as the document's extensions (first, as they were applied before).
    spec.roles === 'public' ? ApiExtension('x-public', true) : ApiExtension('x-roles', spec.roles),
    ApiTags(spec.tag),
    ApiOperation({ summary: spec.summary, ...(spec.description ? { description: spec.description } : {}) }),
  ];
  for (const [name, schema] of Object.entries(spec.params ?? {})) {
    docs.push(ApiParam({ name, schema: schema, ...('description' in schema ? { description: String(schema['description']) } : {}) }));
  }
  for (const [name, schema] of Object.entries(spec.query ?? {})) {
    docs.push(
      ApiQuery({
        name,
        required: spec.requiredQuery?.includes(name) ?? false,
        schema: schema as never,
        ...('description' in schema ? { description: String(schema['description']) } : {}),
      }),
    );
  }
  if (spec.body) docs.push(ApiBody({ schema: spec.body as never }));
  if (spec.upload) {
    docs.push(ApiConsumes(...spec.upload.mediaTypes));
    docs.push(
      ApiBody({ description: spec.upload.description, schema: { type: 'string', format: 'binary', maxLength: spec.upload.maxBytes } }),
    );
  }
  for (const answer of [spec.ok, spec.also]) {
    if (!answer) continue;
    const contentType = answer.contentType ?? 'application/json';
    if (contentType !== 'application/json') docs.push(ApiProduces(contentType));
    docs.push(
      ApiResponse({
        status: answer.status,
        description: answer.description ?? 'OK',
        ...(answer.schema ? { content: { [contentType]: { schema: answer.schema } } } : {}),
      }),
    );
  }
  for (const [status, description] of Object.entries(problemsOf(spec))) docs.push(ApiResponse({ status: Number(status), description }));
  if (spec.ifMatch) {
    docs.push(
      ApiHeader({
        name: 'If-Match',
        required: spec.ifMatch === 'required',
        description: 'ETag of the version you read; a stale one is refused (412) 读取时的 ETag；已过期则拒绝（412）',
        schema: { type: 'string', pattern: IF_MATCH_PATTERN },
      }),
    );
  }
  if (spec.idempotencyKey) {
    docs.push(
      ApiHeader({
        name: 'Idempotency-Key',
        required: true,
        description: 'One key per operation, reused on retries: a retry returns the first answer 每次操作一个键，重试时沿用',
        schema: { type: 'string', pattern: IDEMPOTENCY_KEY_PATTERN },
      }),
    );
  }
  if (spec.language) {
    docs.push(ApiHeader({ name: 'Accept-Language', required: false, description: 'zh-Hans (default 默认) or en 标题与正文语言' }));
  }
  if (spec.paginated) docs.push(ApiExtension('x-paginated', true));
  return docs;
}

const documentedHandlers = new WeakSet<object>();
const excluded = new WeakSet<object>();

/**
 * Puts the OpenAPI of each handler bound to the route table (`Handle`) on the handler, as swagger's
 * decorators, once per handler (a process may build several documents); leaves the infrastructure
 * controllers (health, metrics: `@InfrastructureController()`) out of the document.
 */
function documentRoutes(app: INestApplication, swagger: Swagger): void {
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type | null;
      if (!controller) continue;
      if (Reflect.getMetadata(INFRASTRUCTURE_CONTROLLER, controller) === true) {
        if (!excluded.has(controller)) swagger.ApiExcludeController()(controller);
        excluded.add(controller);
        continue;
      }
      const proto = controller.prototype as Record<string, unknown>;
      for (const key of Object.getOwnPropertyNames(proto)) {
        const descriptor = Object.getOwnPropertyDescriptor(proto, key);
        const handler = descriptor?.value as object | undefined;
        if (typeof handler !== 'function' || documentedHandlers.has(handler)) continue;
        const spec = Reflect.getMetadata(ROUTE_KEY, handler) as RouteSpec | undefined;
        if (!spec) continue;
        for (const decorate of documented(swagger, spec)) decorate(proto, key, descriptor!);
        documentedHandlers.add(handler);
      }
    }
  }
}

/**
 * The OpenAPI 3.1 document of a service's HTTP API: bearer and API-key security, the problem schema,
 * the common error answers on every operation, and `security: []` on @Public() operations.
 */
export async function buildOpenApiDocument(app: INestApplication, info: ApiInfo): Promise<OpenAPIObject> {
  const swagger = await loadSwagger();
  const { DocumentBuilder, SwaggerModule } = swagger;
  documentRoutes(app, swagger);
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle(info.title)
    .setDescription(info.description)
    .setVersion(info.version)
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Access token from /api/v1/auth/login 访问令牌' },
      'bearer',
    )
    .addApiKey({ type: 'apiKey', in: 'header', name: 'x-api-key', description: 'API key of a school system 学校系统密钥' }, 'apiKey')
    .build();
  const doc = SwaggerModule.createDocument(app, config);
  doc.openapi = '3.1.0';
  doc.components ??= {};
  doc.components.schemas = { ...doc.components.schemas, Problem: ProblemSchema as never };
  doc.security = [{ bearer: [] }, { apiKey: [] }];
  for (const item of Object.values(doc.paths)) {
    for (const op of Object.values(item as Record<string, Operation>)) {
      if (typeof op !== 'object' || op === null || !('responses' in op)) continue;
      const isPublic = op['x-public'] === true;
      if (isPublic) op.security = [];
      op.responses ??= {};
      for (const [status, description] of Object.entries(COMMON)) {
        if (isPublic && (status === '401' || status === '403')) continue;
        if (status === '413' && !op.requestBody) continue;
        const declared = op.responses[status];
        op.responses[status] = problem(declared?.description || description);
      }
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) >= 400 && !response.content) op.responses[status] = problem(response.description ?? status);
      }
    }
  }
  return doc;
}

/** Swagger UI at /docs and the document at /docs/openapi.json; `extend` adds what one service documents besides. */
export async function serveOpenApi(
  app: INestApplication,
  info: ApiInfo,
  extend: (doc: OpenAPIObject) => OpenAPIObject = (d) => d,
): Promise<OpenAPIObject> {
  const doc = extend(await buildOpenApiDocument(app, info));
  (await loadSwagger()).SwaggerModule.setup('docs', app, doc, { jsonDocumentUrl: 'docs/openapi.json' });
  return doc;
}

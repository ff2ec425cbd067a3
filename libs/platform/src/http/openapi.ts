import { applyDecorators, type INestApplication } from '@nestjs/common';
import { ApiHeader, ApiQuery, ApiResponse, DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { ProblemSchema } from '@pb/contracts';

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

/**
 * The OpenAPI 3.1 document of a service's HTTP API: bearer and API-key security, the problem schema,
 * the common error answers on every operation, and `security: []` on @Public() operations.
 */
export function buildOpenApiDocument(app: INestApplication, info: ApiInfo): OpenAPIObject {
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
export function serveOpenApi(
  app: INestApplication,
  info: ApiInfo,
  extend: (doc: OpenAPIObject) => OpenAPIObject = (d) => d,
): OpenAPIObject {
  const doc = extend(buildOpenApiDocument(app, info));
  SwaggerModule.setup('docs', app, doc, { jsonDocumentUrl: 'docs/openapi.json' });
  return doc;
}

/** Documents each property of a query-string JSON Schema as a query parameter (the QueryPipe validates it). */
export function ApiQueryFromSchema(schema: { properties: Record<string, object>; required?: readonly string[] }): MethodDecorator {
  return applyDecorators(
    ...Object.entries(schema.properties).map(([name, property]) =>
      ApiQuery({
        name,
        required: schema.required?.includes(name) ?? false,
        schema: property as never,
        ...('description' in property ? { description: String(property.description) } : {}),
      }),
    ),
  );
}

/**
 * OpenAPI of an update whose owner honours an optional `If-Match` (`checkIfMatch`, the ETag read): a
 * stale one is refused with 412 and the current ETag. Accounts require it instead (428 without).
 */
export function OptionalIfMatch(): MethodDecorator {
  return applyDecorators(
    ApiHeader({
      name: 'If-Match',
      required: false,
      description: 'ETag of the version you read; a stale one is refused (412) 读取时的 ETag；已过期则拒绝（412）',
      schema: { type: 'string', pattern: '^(\\*|"\\d+"(\\s*,\\s*"\\d+")*)$' },
    }),
    ApiResponse({ status: 412, description: 'application/problem+json' }),
  );
}

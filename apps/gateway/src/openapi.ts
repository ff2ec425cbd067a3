import type { INestApplication } from '@nestjs/common';
import { MAX_JSON_DEPTH } from '@pb/contracts';
import { buildOpenApiDocument, serveOpenApi, type ApiInfo } from '@pb/platform';
import { addRouteLinks } from './openapi-links.js';

export const GATEWAY_API: ApiInfo = {
  title: 'Party-building work platform API 党建工作平台接口',
  description:
    'REST API of the city education bureau party-building platform, for schools, bureaus and their systems. ' +
    '市教育局党建工作平台接口，供学校、教育局及其系统调用。\n\n' +
    'Authenticate with `Authorization: Bearer <access token>` from `POST /api/v1/auth/login`, or with an API key ' +
    '(`x-api-key`). Errors are `application/problem+json` with the JSON pointer of each invalid field; `Accept-Language` ' +
    'selects zh-Hans (default) or en. ' +
    `JSON bodies are UTF-8 (other charsets: 415) and nest at most ${MAX_JSON_DEPTH} levels deep (400). ` +
    'A method not declared on a path answers 405 with `Allow`. ' +
    'Lists are cursor-paginated (`limit`, `cursor`; a cursor the API did not sign is refused): follow `next` until it is null. Versioned resources answer with an ' +
    '`ETag`; send it back in `If-Match` on an update and a stale write is refused with 412 (accounts require it: 428 without). ' +
    `错误以 problem+json 返回；JSON 请求内容须为 UTF-8，嵌套不超过 ${MAX_JSON_DEPTH} 层；列表使用游标分页；更新时以 If-Match 带回 ETag，过期则 412。` +
    '`x-roles` lists the roles that may call an operation.',
  version: '1.0.0',
};

export const buildOpenApi = async (app: INestApplication) => addRouteLinks(await buildOpenApiDocument(app, GATEWAY_API));
/**
 * Serves the document, made from the route table (query strings are checked against the same entries),
 * with the links from each answer to the operations on what it names (`openapi-links.ts`).
 */
export async function serveGatewayOpenApi(app: INestApplication): Promise<void> {
  await serveOpenApi(app, GATEWAY_API, (doc) => addRouteLinks(doc));
}

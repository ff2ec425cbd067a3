import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { PROBLEM_TYPES, problemTypeUrl, type ProblemTypeName, type ProblemTypeUrl } from '@pb/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isStoreUnavailable, STORE_RETRY_AFTER_SECONDS } from './store-unavailable.js';

/** A message in both languages of the platform (zh-Hans default, en on request). */
export interface Bilingual {
  zh: string;
  en: string;
}

/** One invalid field: its JSON path, the rule it broke, and the message. */
export interface FieldProblem {
  pointer: string;
  rule: string;
  message: Bilingual;
}

/** An RFC 9457 problem raised by our own code. */
export class ProblemException extends HttpException {
  constructor(
    status: number,
    /** Only a catalogued type (libs/contracts/src/api/problem-types.ts); raise through `problem.*`. */
    readonly problemType: ProblemTypeUrl,
    readonly title: Bilingual,
    readonly detail?: Bilingual,
    readonly fieldErrors: FieldProblem[] = [],
    /** Response headers the problem needs (Retry-After on 429, ETag on 412). */
    readonly headers: Record<string, string> = {},
  ) {
    super(title.en, status);
  }
}

type ProblemFactory = (detail?: Bilingual, errors?: FieldProblem[], headers?: Record<string, string>) => ProblemException;

/** One constructor per catalogued type: status and title come from the catalogue, the call site adds the detail. */
export const problem = Object.fromEntries(
  (Object.keys(PROBLEM_TYPES) as ProblemTypeName[]).map((name) => {
    const { status, title } = PROBLEM_TYPES[name];
    const make: ProblemFactory = (detail, errors = [], headers = {}) =>
      new ProblemException(status, problemTypeUrl(name), title, detail, errors, headers);
    return [name, make];
  }),
) as Record<ProblemTypeName, ProblemFactory>;

/** Whether an error is a problem of one catalogued type. */
export const isProblem = (err: unknown, name: ProblemTypeName): err is ProblemException =>
  err instanceof ProblemException && err.problemType === problemTypeUrl(name);

/** The 503 problem+json a request gets while the store is unavailable, with Retry-After. */
export function storeUnavailableProblem(): ProblemException {
  return problem.storeUnavailable(
    { zh: '数据存储正在重启或不可达，请稍后重试', en: 'The data store is restarting or unreachable; retry shortly' },
    [],
    { 'retry-after': String(STORE_RETRY_AFTER_SECONDS) },
  );
}

const TITLES: Record<number, Bilingual> = {
  400: { zh: '请求无效', en: 'Bad request' },
  401: { zh: '未认证', en: 'Unauthorized' },
  403: { zh: '无权限', en: 'Forbidden' },
  404: { zh: '找不到资源', en: 'Not found' },
  409: { zh: '冲突', en: 'Conflict' },
  412: { zh: '资源已被修改', en: 'Precondition failed' },
  413: { zh: '请求内容过大', en: 'Payload too large' },
  415: { zh: '不支持的内容类型', en: 'Unsupported media type' },
  428: { zh: '缺少 If-Match 前提条件', en: 'Precondition required' },
  422: { zh: '无法处理的内容', en: 'Unprocessable content' },
  429: { zh: '请求过于频繁', en: 'Too many requests' },
  500: { zh: '服务器内部错误', en: 'Internal server error' },
  502: { zh: '上游服务错误', en: 'Bad gateway' },
  503: { zh: '服务暂不可用', en: 'Service unavailable' },
};

export function preferredLanguage(acceptLanguage: string | undefined): 'zh' | 'en' {
  if (!acceptLanguage) return 'zh';
  for (const part of acceptLanguage.split(',')) {
    const tag = part.split(';')[0]?.trim().toLowerCase() ?? '';
    if (tag.startsWith('zh')) return 'zh';
    if (tag.startsWith('en')) return 'en';
  }
  return 'zh';
}

function isBilingual(v: unknown): v is Bilingual {
  return typeof v === 'object' && v !== null && typeof (v as Bilingual).zh === 'string' && typeof (v as Bilingual).en === 'string';
}

/** Every error leaves as `application/problem+json`, in the caller's language, with the correlation id. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  catch(raised: unknown, host: ArgumentsHost) {
    if (host.getType() !== 'http') throw raised;
    // A store that is down or restarting: the caller may retry (503, Retry-After), not a 500 about:blank.
    const exception = isStoreUnavailable(raised) ? storeUnavailableProblem() : raised;
    if (exception !== raised) this.logger.warn(`store unavailable: ${raised instanceof Error ? raised.message : String(raised)}`);
    const ctx = host.switchToHttp();
    const status = replyWithProblem(ctx.getRequest<FastifyRequest>(), ctx.getResponse<FastifyReply>(), exception);
    // A 503 problem of ours is an expected state (store restarting, shutting down, upstream gone), logged where it arises.
    const expected = exception instanceof ProblemException && status === 503;
    if (status >= 500 && !expected)
      this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
  }
}

/**
 * Sends `exception` as `application/problem+json` in the caller's language, with the correlation id;
 * returns the status. The exception filter uses it, and so do hooks that answer before any route.
 */
export function replyWithProblem(req: FastifyRequest, reply: FastifyReply, exception: unknown): number {
  const lang = preferredLanguage(req.headers['accept-language']);

  let status: number = HttpStatus.INTERNAL_SERVER_ERROR;
  let type = 'about:blank';
  let title: Bilingual | undefined;
  let detail: Bilingual | undefined;
  let errors: FieldProblem[] = [];
  let headers: Record<string, string> = {};
  if (exception instanceof ProblemException) {
    headers = exception.headers;
    status = exception.getStatus();
    type = exception.problemType;
    title = exception.title;
    detail = exception.detail;
    errors = exception.fieldErrors;
  } else if (exception instanceof HttpException) {
    status = exception.getStatus();
    const response = exception.getResponse();
    if (isBilingual(response)) detail = response;
  } else if (typeof (exception as { statusCode?: unknown })?.statusCode === 'number') {
    // Errors Fastify raises itself (body too large, malformed JSON, wrong content type).
    status = (exception as { statusCode: number }).statusCode;
    const message = (exception as Error).message;
    detail = { zh: message, en: message };
  }
  title ??= TITLES[status] ?? { zh: '错误', en: 'Error' };

  const body: Record<string, unknown> = {
    type,
    title: title[lang],
    status,
    instance: req.url,
    correlationId: req.id,
  };
  if (detail) body['detail'] = detail[lang];
  if (errors.length > 0) {
    body['errors'] = errors.map((e) => ({ pointer: e.pointer, rule: e.rule, message: e.message[lang] }));
  }
  for (const [name, value] of Object.entries(headers)) void reply.header(name, value);
  if (status === 401) void reply.header('www-authenticate', 'Bearer realm="pb-api", ApiKey realm="pb-api"');
  void reply
    .status(status)
    .header('content-type', 'application/problem+json; charset=utf-8')
    .header('content-language', lang === 'zh' ? 'zh-Hans' : 'en')
    .send(body);
  return status;
}

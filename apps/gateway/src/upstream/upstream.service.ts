import { Inject, Injectable, Logger } from '@nestjs/common';
import { INTERNAL_IDENTITY_HEADER, ProblemException, signInternalToken, type Identity } from '@pb/platform';

export const UPSTREAMS = Symbol('UPSTREAMS');
export type UpstreamName = 'org-registry' | 'reporting' | 'evaluation' | 'training' | 'notifications';
export interface UpstreamsConfig {
  urls: Record<UpstreamName, string>;
  internalSecret: string;
  timeoutMs: number;
}

export interface UpstreamResponse {
  status: number;
  contentType: string;
  body: unknown;
  /** Headers passed back to the caller (ETag, Retry-After, Content-Language). */
  headers: Record<string, string>;
}

const PASSED_BACK = ['etag', 'retry-after', 'content-language', 'location'];

/** Forwards a request to the owning service with the caller's verified identity (ARCHITECTURE.md §2). */
@Injectable()
export class UpstreamService {
  private readonly logger = new Logger('Upstream');

  constructor(@Inject(UPSTREAMS) private readonly config: UpstreamsConfig) {}

  url(name: UpstreamName): string {
    return this.config.urls[name];
  }

  async forward(
    name: UpstreamName,
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    options: { identity: Identity; correlationId: string; body?: unknown; acceptLanguage?: string; ifMatch?: string },
  ): Promise<UpstreamResponse> {
    const headers: Record<string, string> = {
      [INTERNAL_IDENTITY_HEADER]: await signInternalToken(options.identity, this.config.internalSecret),
      'x-correlation-id': options.correlationId,
      accept: 'application/json',
    };
    if (options.acceptLanguage) headers['accept-language'] = options.acceptLanguage;
    if (options.ifMatch) headers['if-match'] = options.ifMatch;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(`${this.config.urls[name]}${path}`, {
        method,
        headers,
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
        signal: AbortSignal.timeout(this.config.timeoutMs),
      });
    } catch (err) {
      this.logger.error(`${name} ${method} ${path} failed: ${err instanceof Error ? err.message : String(err)}`);
      throw new ProblemException(503, 'https://partybuilding.edu.cn/problems/upstream-unavailable', {
        zh: '後端服務暫不可用',
        en: 'The owning service is unavailable',
      });
    }
    const contentType = res.headers.get('content-type') ?? 'application/json';
    const text = await res.text();
    const passed: Record<string, string> = {};
    for (const name of PASSED_BACK) {
      const value = res.headers.get(name);
      if (value !== null) passed[name] = value;
    }
    return { status: res.status, contentType, body: text.length > 0 ? (JSON.parse(text) as unknown) : undefined, headers: passed };
  }
}

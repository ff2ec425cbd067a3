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
  /** Response headers a client needs (ETag, Idempotent-Replayed, Content-Disposition, Retry-After). */
  headers: Record<string, string>;
}

/** Request headers the gateway passes on to the owning service. */
export const FORWARDED_REQUEST_HEADERS = ['accept-language', 'if-match', 'if-none-match', 'idempotency-key'] as const;
const FORWARDED_RESPONSE_HEADERS = ['etag', 'idempotent-replayed', 'content-disposition', 'retry-after', 'content-language'];

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
    options: { identity: Identity; correlationId: string; body?: unknown; headers?: Record<string, string | undefined> },
  ): Promise<UpstreamResponse> {
    const headers: Record<string, string> = {
      [INTERNAL_IDENTITY_HEADER]: await signInternalToken(options.identity, this.config.internalSecret),
      'x-correlation-id': options.correlationId,
      accept: 'application/json, text/csv',
    };
    for (const name of FORWARDED_REQUEST_HEADERS) {
      const value = options.headers?.[name];
      if (value) headers[name] = value;
    }
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
    for (const h of FORWARDED_RESPONSE_HEADERS) {
      const v = res.headers.get(h);
      if (v) passed[h] = v;
    }
    const json = /json/.test(contentType);
    return { status: res.status, contentType, headers: passed, body: text.length === 0 ? undefined : json ? (JSON.parse(text) as unknown) : text };
  }
}

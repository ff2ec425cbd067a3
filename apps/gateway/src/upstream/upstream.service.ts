import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Agent, request } from 'undici';
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
export class UpstreamService implements OnApplicationShutdown {
  /** Keep-alive connection pools to the services; undici's request() costs far less per call than fetch(). */
  private readonly agent = new Agent({ keepAliveTimeout: 30_000, connections: 64 });
  private readonly logger = new Logger('Upstream');
  /** Forwarded identities, reused while they have more than half their 60 s left (signing costs more than forwarding). */
  private readonly identities = new Map<string, { token: string; renewAtMs: number }>();

  constructor(@Inject(UPSTREAMS) private readonly config: UpstreamsConfig) {}

  private async internalToken(identity: Identity): Promise<string> {
    const key = `${identity.sub}|${identity.orgUnitId}|${identity.roles.join(',')}`;
    const cached = this.identities.get(key);
    if (cached && cached.renewAtMs > Date.now()) return cached.token;
    const token = await signInternalToken(identity, this.config.internalSecret, 60);
    if (this.identities.size >= 10_000) this.identities.clear();
    this.identities.set(key, { token, renewAtMs: Date.now() + 30_000 });
    return token;
  }

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
      [INTERNAL_IDENTITY_HEADER]: await this.internalToken(options.identity),
      'x-correlation-id': options.correlationId,
      accept: 'application/json',
    };
    if (options.acceptLanguage) headers['accept-language'] = options.acceptLanguage;
    if (options.ifMatch) headers['if-match'] = options.ifMatch;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    let res: Awaited<ReturnType<typeof request>>;
    try {
      res = await request(`${this.config.urls[name]}${path}`, {
        method,
        headers,
        dispatcher: this.agent,
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
        headersTimeout: this.config.timeoutMs,
        bodyTimeout: this.config.timeoutMs,
      });
    } catch (err) {
      this.logger.error(`${name} ${method} ${path} failed: ${err instanceof Error ? err.message : String(err)}`);
      throw new ProblemException(503, 'https://partybuilding.edu.cn/problems/upstream-unavailable', {
        zh: '後端服務暫不可用',
        en: 'The owning service is unavailable',
      });
    }
    const header = (n: string): string | null => {
      const v = res.headers[n];
      return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
    };
    const contentType = header('content-type') ?? 'application/json';
    const text = await res.body.text();
    const passed: Record<string, string> = {};
    for (const name of PASSED_BACK) {
      const value = header(name);
      if (value !== null) passed[name] = value;
    }
    return { status: res.statusCode, contentType, body: text.length > 0 ? (JSON.parse(text) as unknown) : undefined, headers: passed };
  }

  async onApplicationShutdown() {
    await this.agent.close();
  }
}

import type { Readable } from 'node:stream';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Agent, request } from 'undici';
import { INTERNAL_IDENTITY_HEADER, problem, ProblemException, signInternalToken, type Identity } from '@pb/platform';

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
  /** Parsed JSON, or the bytes as the service sent them (a CSV keeps its BOM), or undefined when empty. */
  body: unknown;
  /** Response headers a client needs (ETag, Idempotent-Replayed, Content-Disposition, Retry-After). */
  headers: Record<string, string>;
}

/** Request headers the gateway passes on to the owning service. */
export const FORWARDED_REQUEST_HEADERS = ['accept-language', 'if-match', 'if-none-match', 'idempotency-key'] as const;
const FORWARDED_RESPONSE_HEADERS = ['etag', 'idempotent-replayed', 'content-disposition', 'retry-after', 'content-language'];

/** Forwards a request to the owning service with the caller's verified identity (ARCHITECTURE.md §2). */
@Injectable()
export class UpstreamService implements OnApplicationShutdown {
  private readonly logger = new Logger('Upstream');
  /** Keep-alive connection pools to the services; undici's request() costs far less per call than fetch(). */
  private readonly agent = new Agent({ keepAliveTimeout: 30_000, connections: 64 });
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

  async onApplicationShutdown() {
    await this.agent.close();
  }

  url(name: UpstreamName): string {
    return this.config.urls[name];
  }

  async forward(
    name: UpstreamName,
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    options: {
      identity: Identity;
      correlationId: string;
      body?: unknown;
      headers?: Record<string, string | undefined>;
      /** A file streamed on as it arrives (an upload route, docs/adr/0020) instead of a JSON body. */
      upload?: { stream: Readable; contentType: string };
    },
  ): Promise<UpstreamResponse> {
    const headers: Record<string, string> = {
      [INTERNAL_IDENTITY_HEADER]: await this.internalToken(options.identity),
      'x-correlation-id': options.correlationId,
      accept: 'application/json, text/csv',
    };
    for (const name of FORWARDED_REQUEST_HEADERS) {
      const value = options.headers?.[name];
      if (value) headers[name] = value;
    }
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.upload) headers['content-type'] = options.upload.contentType;
    // An upload's answer comes once the service has stored the whole file: more time than a JSON call.
    const timeoutMs = options.upload ? this.config.timeoutMs * 6 : this.config.timeoutMs;
    let res: Awaited<ReturnType<typeof request>>;
    try {
      res = await request(`${this.config.urls[name]}${path}`, {
        method,
        headers,
        dispatcher: this.agent,
        ...(options.upload ? { body: options.upload.stream } : options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
    } catch (err) {
      // The upload's own problem (over the size limit while streaming), not the service's absence.
      const cause = (err as { cause?: unknown }).cause;
      if (err instanceof ProblemException) throw err;
      if (cause instanceof ProblemException) throw cause;
      this.logger.error(`${name} ${method} ${path} failed: ${err instanceof Error ? err.message : String(err)}`);
      throw problem.upstreamUnavailable();
    }
    const header = (n: string): string | undefined => {
      const v = res.headers[n];
      return Array.isArray(v) ? v.join(', ') : v;
    };
    const contentType = header('content-type') ?? 'application/json';
    // Bytes, not text: decoding would drop a leading BOM (UTF-8 CSV for spreadsheets) and the
    // answer would no longer pass unchanged.
    const bytes = Buffer.from(await res.body.arrayBuffer());
    const passed: Record<string, string> = {};
    for (const h of FORWARDED_RESPONSE_HEADERS) {
      const v = header(h);
      if (v) passed[h] = v;
    }
    const json = /json/.test(contentType);
    return {
      status: res.statusCode,
      contentType,
      headers: passed,
      body: bytes.length === 0 ? undefined : json ? (JSON.parse(bytes.toString('utf8')) as unknown) : bytes,
    };
  }
}

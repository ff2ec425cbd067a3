import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Agent, request } from 'undici';
import { inClientSpan, INTERNAL_IDENTITY_HEADER, problem, ProblemException, signInternalToken, type Identity } from '@pb/platform';
import { ReplicaSet } from './replicas.js';

export const UPSTREAMS = Symbol('UPSTREAMS');
export type UpstreamName = 'org-registry' | 'reporting' | 'evaluation' | 'training' | 'notifications';
export interface UpstreamsConfig {
  /** Each service's base URL, or the URLs of its replicas (balanced, docs/adr/0024). */
  urls: Record<UpstreamName, string | readonly string[]>;
  internalSecret: string;
  timeoutMs: number;
  /** How often the readiness of each replica is polled when a service has several URLs. */
  replicaPollMs?: number;
}

/** A connection error before any request bytes could have been read: safe to send elsewhere, whatever the method. */
const NOT_SENT = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);
/** Answers a retry on another replica cannot repeat a side effect for: reads, and writes carrying an Idempotency-Key. */
const replaySafe = (method: string, headers: Record<string, string>) => method === 'GET' || Boolean(headers['idempotency-key']);
const codeOf = (err: unknown): string | undefined => {
  const e = err as { code?: string; cause?: { code?: string } };
  return e?.cause?.code ?? e?.code;
};

export interface UpstreamResponse {
  status: number;
  contentType: string;
  /** Parsed JSON, or the bytes as the service sent them (a CSV keeps its BOM), or undefined when empty. */
  body: unknown;
  /** Response headers a client needs (ETag, Idempotent-Replayed, Content-Disposition, Retry-After). */
  headers: Record<string, string>;
}

type UpstreamMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface ForwardOptions {
  identity: Identity;
  correlationId: string;
  body?: unknown;
  headers?: Record<string, string | undefined>;
  /** A file streamed on as it arrives (an upload route, docs/adr/0020) instead of a JSON body. */
  upload?: { stream: Readable; contentType: string };
}

/** Request headers the gateway passes on to the owning service. */
export const FORWARDED_REQUEST_HEADERS = ['accept-language', 'if-match', 'if-none-match', 'idempotency-key'] as const;
const FORWARDED_RESPONSE_HEADERS = ['etag', 'idempotent-replayed', 'content-disposition', 'retry-after', 'content-language'];

/** Forwards a request to the owning service with the caller's verified identity (ARCHITECTURE.md §2). */
@Injectable()
export class UpstreamService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Upstream');
  /** Keep-alive connection pools to the services; undici's request() costs far less per call than fetch(). */
  private readonly agent = new Agent({ keepAliveTimeout: 30_000, connections: 64 });
  /** Forwarded identities, reused while they have more than half their 60 s left (signing costs more than forwarding). */
  private readonly identities = new Map<string, { token: string; renewAtMs: number }>();

  private readonly replicas: Record<UpstreamName, ReplicaSet>;

  constructor(@Inject(UPSTREAMS) private readonly config: UpstreamsConfig) {
    this.replicas = Object.fromEntries(
      (Object.entries(config.urls) as [UpstreamName, string | readonly string[]][]).map(([name, urls]) => [
        name,
        new ReplicaSet(name, typeof urls === 'string' ? [urls] : urls, (url) => this.replicaReady(url)),
      ]),
    ) as Record<UpstreamName, ReplicaSet>;
  }

  /** 200 from the replica's /health/ready: true; 503 or a refused connection: false; no answer in time: undefined. */
  private async replicaReady(url: string): Promise<boolean | undefined> {
    try {
      const res = await request(`${url}/health/ready`, { dispatcher: this.agent, headersTimeout: 2_000, bodyTimeout: 2_000 });
      await res.body.dump();
      return res.statusCode === 200;
    } catch (err) {
      return NOT_SENT.has(codeOf(err) ?? '') ? false : undefined;
    }
  }

  onApplicationBootstrap() {
    for (const set of Object.values(this.replicas)) set.start(this.config.replicaPollMs ?? 500);
  }

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
    for (const set of Object.values(this.replicas)) set.stop();
    await this.agent.close();
  }

  /** The replicas of a service (tests, diagnostics). */
  replicasOf(name: UpstreamName): ReplicaSet {
    return this.replicas[name];
  }

  /**
   * The owning service's answer. With tracing on the call is a CLIENT span of the request's and sends
   * its W3C `traceparent`, so the service's server span continues the gateway's trace (docs/adr/0026).
   */
  async forward(name: UpstreamName, method: UpstreamMethod, path: string, options: ForwardOptions): Promise<UpstreamResponse> {
    return inClientSpan(
      method,
      { 'http.request.method': method, 'url.path': path.split('?')[0], 'peer.service': name },
      (traceHeaders) => this.send(name, method, path, options, traceHeaders),
      (answer) => answer.status,
    );
  }

  private async send(
    name: UpstreamName,
    method: UpstreamMethod,
    path: string,
    options: ForwardOptions,
    traceHeaders: Record<string, string>,
  ): Promise<UpstreamResponse> {
    const headers: Record<string, string> = {
      [INTERNAL_IDENTITY_HEADER]: await this.internalToken(options.identity),
      'x-correlation-id': options.correlationId,
      accept: 'application/json, text/csv',
      ...traceHeaders,
    };
    for (const name of FORWARDED_REQUEST_HEADERS) {
      const value = options.headers?.[name];
      if (value) headers[name] = value;
    }
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.upload) headers['content-type'] = options.upload.contentType;
    // An upload's answer comes once the service has stored the whole file: more time than a JSON call.
    const timeoutMs = options.upload ? this.config.timeoutMs * 6 : this.config.timeoutMs;
    // A replica that refuses the connection (stopped, restarting) costs a retry on another, never
    // the caller's request; a dropped connection does too when replaying cannot repeat an effect
    // (never for an upload: its stream is read once).
    const set = this.replicas[name];
    const tried = new Set<string>();
    const attempts = Math.max(2, set.urls.length);
    let res: Awaited<ReturnType<typeof request>> | undefined;
    for (let attempt = 1; !res; attempt++) {
      const url = set.pick(tried);
      if (tried.has(url)) await sleep(200); // every replica tried once: a moment before the same one again
      tried.add(url);
      try {
        res = await request(`${url}${path}`, {
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
        const code = codeOf(err);
        const notSent = NOT_SENT.has(code ?? '');
        if (notSent || code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') set.markDown(url);
        const replayable = notSent || (!options.upload && replaySafe(method, headers) && code !== 'UND_ERR_HEADERS_TIMEOUT');
        const retry = attempt < attempts && replayable;
        this.logger.warn(
          `${name} ${method} ${path} at ${url} failed (${code ?? 'error'})${retry ? ', trying again' : ''}: ${errorText(err)}`,
        );
        if (!retry) throw problem.upstreamUnavailable();
      }
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

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

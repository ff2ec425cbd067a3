import type { IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { type DynamicModule, Logger, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger as PinoLogger } from 'nestjs-pino';
import { KafkaClient, KafkaEventServer, MESSAGING_OPTIONS, OutboxRelay, ProcessedEventLedger, type MessagingOptions } from '@pb/messaging';
import { Lifecycle, shuttingDownProblem } from './health/health.js';
import { parseJsonBody } from './http/json-body.js';
import { replyWithProblem } from './http/problem.js';
import { acceptUploads } from './imports/upload.js';
import { useCursorSecret } from './http/pagination.js';
import { CORRELATION_HEADER, correlationIdOf } from './logging/logging.module.js';
import { httpRequestDuration } from './metrics/metrics.js';
import { traceRequests } from './tracing/http-spans.js';
import { startTracing } from './tracing/tracing.js';

export interface RunOptions {
  service: string;
  host: string;
  port: number;
  /** Consume the event types the app's controllers declare with @EventPattern. */
  consume?: boolean;
  shutdownGraceMs?: number;
  /**
   * After SIGTERM, how long readiness fails while requests are still accepted and answered as usual,
   * so load balancers (Kubernetes endpoints, the gateway's replica balancer) stop sending new work
   * before the listener closes (docs/adr/0024). 0: close at once (a preStop sleep does the waiting).
   */
  drainMs?: number;
  bodyLimitBytes?: number;
  /** Proxies whose X-Forwarded-For is trusted (client IP for throttling and audit): addresses, CIDRs or proxy-addr names. */
  trustProxy?: string;
  /** Key material of the cursors this service signs (CURSOR_SECRET, else INTERNAL_AUTH_SECRET); a key of this process alone when absent. */
  cursorSecret?: string;
  /** Extra setup on the HTTP app before it listens (Swagger, prefixes). */
  configure?: (app: NestFastifyApplication) => void | Promise<void>;
}

/**
 * The event transport, waiting before it subscribes until every topic it reads has a leader. On a
 * fresh broker two services create the same topic at once; the one that loses the race
 * (TOPIC_ALREADY_EXISTS) could otherwise subscribe before the partitions exist and fail its start
 * with "This server does not host this topic-partition".
 */
class TopicReadyKafkaEventServer extends KafkaEventServer {
  constructor(
    private readonly kafka: KafkaClient,
    ledger: ProcessedEventLedger,
    options: { groupId: string; maxAttempts: number },
  ) {
    super(kafka, ledger, options);
  }

  override async listen(callback: (err?: unknown) => void) {
    try {
      await waitForTopicLeaders(this.kafka, this.topics());
    } catch (err) {
      callback(err);
      return;
    }
    await super.listen(callback);
  }
}

async function waitForTopicLeaders(kafka: KafkaClient, topics: string[], timeoutMs = 30_000): Promise<void> {
  if (topics.length === 0) return;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      // Inside the loop: a topic another service is creating right now answers "does not host this
      // topic-partition" for a moment; that is retried like a missing leader.
      await kafka.ensureTopics(topics.map((topic) => ({ topic })));
      const admin = await kafka.getAdmin();
      const { topics: meta } = await admin.fetchTopicMetadata({ topics });
      if (meta.length === topics.length && meta.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline) throw new Error(`topics without a leader after ${timeoutMs} ms: ${topics.join(', ')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Kubernetes' default grace is 30 s; we promise 10 s, so the hard stop comes before that. */
const MAX_EXIT_MS = 9_500;
/** The drain leaves at least this long of the grace to finish in-flight requests and the Kafka batch. */
const MIN_CLOSE_MS = 3_000;
/** Requests that arrive this close to the hard stop are refused (problem+json 503): they could not finish. */
const REFUSE_BEFORE_EXIT_MS = 1_500;
/** At most this long of the shutdown goes to exporting the last spans. */
const TRACE_FLUSH_MS = 1_000;

/**
 * The SIGTERM sequence of docs/adr/0024, in order: readiness fails; for `drainMs` everything is still
 * accepted and answered; then the listener closes (requests already on a connection are answered,
 * with `Connection: close`), in-flight requests finish, the consumer finishes the record in hand and
 * commits what it applied, the outbox relay and schedulers stop, the clients close; exit 0. A hard
 * timer exits with 1 at `hardExitMs` whatever is left.
 */
export function shutdownPlan(options: { shutdownGraceMs?: number; drainMs?: number }): { hardExitMs: number; drainMs: number } {
  const hardExitMs = Math.min(options.shutdownGraceMs ?? 9_000, MAX_EXIT_MS);
  const drainMs = Math.max(0, Math.min(options.drainMs ?? 0, hardExitMs - MIN_CLOSE_MS));
  return { hardExitMs, drainMs };
}

/**
 * Boots a service as a NestJS hybrid app: Fastify HTTP plus the Kafka event transport. On SIGTERM or
 * SIGINT it follows `shutdownPlan`: a hard timer guarantees exit within 10 s.
 */
export async function runService(module: Type | DynamicModule, options: RunOptions): Promise<NestFastifyApplication> {
  if (options.cursorSecret) useCursorSecret(options.cursorSecret, options.service);
  // Before anything else: the SDK is loaded only when OTEL_* configures an exporter (docs/adr/0026).
  const tracing = await startTracing(options.service);
  const adapter = new FastifyAdapter({
    bodyLimit: options.bodyLimitBytes ?? 1_048_576,
    // Longer than any id the route table admits (200), so a too-long one gets the table's 400, not Fastify's 414.
    maxParamLength: 512,
    // Only named proxies may set the client address: anyone else's X-Forwarded-For is ignored.
    trustProxy: options.trustProxy ?? 'loopback,uniquelocal',
    // Not Fastify's bare 503 while closing: a request on a connection still open is answered as usual
    // (with Connection: close); the hook below refuses, as problem+json, only what could not finish.
    return503OnClosing: false,
    // The caller's correlation id (or a new one) is the request id: logs, problems, forwarded calls.
    genReqId: (req: IncomingMessage) => correlationIdOf(req),
  });
  // The request's server span first, so every later hook and the handler run in its context.
  if (tracing) traceRequests(adapter.getInstance());
  adapter.getInstance().addHook('onRequest', (req, reply, done) => {
    (req.raw as { id?: string }).id = req.id;
    void reply.header(CORRELATION_HEADER, req.id);
    done();
  });
  adapter.getInstance().addHook('onResponse', (req, reply, done) => {
    httpRequestDuration.labels(req.method, req.routeOptions.url ?? 'unmatched', String(reply.statusCode)).observe(reply.elapsedTime / 1000);
    done();
  });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, { bufferLogs: true, abortOnError: false });
  app.useLogger(app.get(PinoLogger));
  // Validation before anything else: encoding, charset and depth of every JSON body (docs/adr/0018).
  app.useBodyParser('application/json', { bodyLimit: options.bodyLimitBytes ?? 1_048_576 }, (req, body, done) => {
    try {
      done(null, parseJsonBody(req.headers['content-type'], body));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
  // Uploads (CSV files) are not parsed: their stream goes to the handler (docs/adr/0020).
  acceptUploads(adapter.getInstance());
  const logger = new Logger('Bootstrap');

  let eventServer: KafkaEventServer | undefined;
  if (options.consume) {
    const messaging = app.get<MessagingOptions>(MESSAGING_OPTIONS);
    if (!messaging.groupId) throw new Error(`${options.service} consumes events but has no KAFKA_GROUP_ID`);
    eventServer = new TopicReadyKafkaEventServer(app.get(KafkaClient), app.get(ProcessedEventLedger), {
      groupId: messaging.groupId,
      maxAttempts: messaging.maxAttempts ?? 5,
      ...(messaging.consumerConcurrency ? { concurrency: messaging.consumerConcurrency } : {}),
      ...(messaging.retryInitialDelayMs ? { retryInitialDelayMs: messaging.retryInitialDelayMs } : {}),
      ...(messaging.retryMaxDelayMs ? { retryMaxDelayMs: messaging.retryMaxDelayMs } : {}),
    });
    app.connectMicroservice({ strategy: eventServer }, { inheritAppConfig: true });
  }
  await options.configure?.(app);

  let closing = false;
  let refuseFrom = Infinity;
  adapter.getInstance().addHook('onRequest', (req, reply, done) => {
    // Draining: answered as usual, but no connection is kept for a next request, so none is idle
    // (and cut) when the listener closes; the client's next request opens one to a ready replica.
    if (closing) void reply.header('connection', 'close');
    if (Date.now() < refuseFrom) return done();
    replyWithProblem(req, reply, shuttingDownProblem());
  });
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    const { hardExitMs, drainMs } = shutdownPlan(options);
    const startedAt = Date.now();
    refuseFrom = startedAt + hardExitMs - REFUSE_BEFORE_EXIT_MS;
    app.get(Lifecycle).shuttingDown = true;
    logger.log(`${signal} received, shutting down: readiness fails, still answering for ${drainMs} ms`);
    setTimeout(() => {
      logger.error(`shutdown took longer than ${hardExitMs} ms, exiting`);
      process.exit(1);
    }, hardExitMs).unref();
    setTimeout(() => {
      logger.log('closing: no new connections; finishing in-flight requests and the Kafka batch');
      // Side by side rather than one after the other as Nest's hooks would: the outbox relay (its
      // publish in flight, then its lease released for the other replica) and the consumer (the
      // record in hand, then its offsets committed) stop while the listener finishes its requests.
      // Nest's own calls of the same stops later find them done.
      void relayOf(app)
        ?.stop()
        .catch(() => undefined);
      void eventServer?.close().catch(() => undefined);
      app
        .close()
        // The spans of the last requests and records, exported before the exit (bounded: the hard stop still holds).
        .then(() => Promise.race([tracing?.shutdown(), sleep(TRACE_FLUSH_MS)]))
        .then(
          () => {
            logger.log(`stopped in ${Date.now() - startedAt} ms`);
            process.exit(0);
          },
          (err: unknown) => {
            logger.error(`shutdown failed: ${String(err)}`);
            process.exit(1);
          },
        );
    }, drainMs);
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));

  await app.startAllMicroservices();
  await app.listen({ port: options.port, host: options.host });
  logger.log(`${options.service} listening on http://${options.host}:${options.port}`);
  return app;
}

function relayOf(app: NestFastifyApplication): OutboxRelay | undefined {
  try {
    return app.get(OutboxRelay, { strict: false });
  } catch {
    return undefined; // no broker configured
  }
}

/** Runs `main` and turns a boot failure (bad config, port in use) into one line on stderr and exit 1. */
export function bootOrExit(service: string, main: () => Promise<unknown>): void {
  main().catch((err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`${service}: failed to start: ${message}\n`);
    process.exit(1);
  });
}

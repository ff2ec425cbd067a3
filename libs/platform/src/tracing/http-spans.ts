import type { Context, Span } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { platformTracer, runInSpan, tracingApi } from '@pb/messaging';

/** Probes and scrapes are not traced: the replica balancer alone polls readiness twice a second. */
const UNTRACED = /^\/(health|metrics)(\/|\?|$)/;

const spans = new WeakMap<FastifyRequest, { span: Span; ctx: Context }>();

/**
 * A SERVER span per request (docs/adr/0026): the child of the caller's `traceparent` when it sent a
 * valid one (the gateway's, or a client's at the gateway), else a new trace. The handler runs in its
 * context, so forwarded calls, outbox entries and log lines carry it. Registered only with tracing on.
 */
export function traceRequests(fastify: FastifyInstance): void {
  const api = tracingApi();
  if (!api) return;
  fastify.addHook('onRequest', (req, _reply, done) => {
    if (UNTRACED.test(req.url)) return done();
    const parent = api.propagation.extract(api.ROOT_CONTEXT, req.headers);
    const route = req.routeOptions.url;
    const span = platformTracer(api).startSpan(
      route ? `${req.method} ${route}` : req.method,
      {
        kind: api.SpanKind.SERVER,
        attributes: {
          'http.request.method': req.method,
          'url.path': req.url.split('?')[0],
          'url.scheme': req.protocol,
          ...(route ? { 'http.route': route } : {}),
          'correlation.id': req.id,
        },
      },
      parent,
    );
    const ctx = api.trace.setSpan(parent, span);
    spans.set(req, { span, ctx });
    api.context.with(ctx, done);
  });
  // The body arrives in the connection's async context: the handler is entered again in the span's.
  fastify.addHook('preHandler', (req, _reply, done) => {
    const traced = spans.get(req);
    if (traced) api.context.with(traced.ctx, done);
    else done();
  });
  fastify.addHook('onResponse', (req, reply, done) => {
    const traced = spans.get(req);
    if (traced) {
      traced.span.setAttribute('http.response.status_code', reply.statusCode);
      if (reply.statusCode >= 500) traced.span.setStatus({ code: api.SpanStatusCode.ERROR });
      traced.span.end();
      spans.delete(req);
    }
    done();
  });
  fastify.addHook('onRequestAbort', (req, done) => {
    const traced = spans.get(req);
    if (traced) {
      traced.span.setStatus({ code: api.SpanStatusCode.ERROR, message: 'request aborted by the client' });
      traced.span.end();
      spans.delete(req);
    }
    done();
  });
}

/**
 * Runs an outgoing HTTP call in a CLIENT span: `call` gets the W3C headers to send (none when tracing
 * is off), and the span records the answer's status (`statusOf`) or the error.
 */
export async function inClientSpan<T>(
  name: string,
  attributes: Record<string, string>,
  call: (traceHeaders: Record<string, string>) => Promise<T>,
  statusOf: (result: T) => number,
): Promise<T> {
  const api = tracingApi();
  if (!api) return call({});
  const parent = api.context.active();
  const span = platformTracer(api).startSpan(name, { kind: api.SpanKind.CLIENT, attributes }, parent);
  const headers: Record<string, string> = {};
  api.propagation.inject(api.trace.setSpan(parent, span), headers);
  return runInSpan(api, span, parent, async () => {
    const result = await call(headers);
    const status = statusOf(result);
    span.setAttribute('http.response.status_code', status);
    if (status >= 500) span.setStatus({ code: api.SpanStatusCode.ERROR });
    return result;
  });
}

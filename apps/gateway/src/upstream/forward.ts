import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Identity } from '@pb/platform';
import type { UpstreamName, UpstreamResponse, UpstreamService } from './upstream.service.js';

/** Sends an upstream answer back unchanged: status, problem+json or JSON body. */
export function relay(reply: FastifyReply, upstream: UpstreamResponse): FastifyReply {
  return reply.status(upstream.status).header('content-type', upstream.contentType).send(upstream.body);
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Forwards the request as it came (method, path with query string, JSON body) to the owning service,
 * which exposes the same routes, with the caller's verified identity; relays the answer unchanged.
 */
export async function passThrough(upstream: UpstreamService, name: UpstreamName, req: FastifyRequest, reply: FastifyReply, identity: Identity) {
  const method = req.method as Method;
  const res = await upstream.forward(name, method, req.url, {
    identity,
    correlationId: req.id,
    ...(method === 'GET' || method === 'DELETE' ? {} : { body: req.body ?? {} }),
    ...(req.headers['accept-language'] ? { acceptLanguage: req.headers['accept-language'] } : {}),
  });
  return relay(reply, res);
}

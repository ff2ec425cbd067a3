import type { FastifyReply } from 'fastify';
import type { UpstreamResponse } from './upstream.service.js';

/** Sends an upstream answer back unchanged: status, problem+json or JSON body, and the headers clients use. */
export function relay(reply: FastifyReply, upstream: UpstreamResponse): FastifyReply {
  for (const [name, value] of Object.entries(upstream.headers)) void reply.header(name, value);
  return reply.status(upstream.status).header('content-type', upstream.contentType).send(upstream.body);
}

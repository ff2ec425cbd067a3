import type { FastifyReply } from 'fastify';
import type { UpstreamResponse } from './upstream.service.js';

/** Sends an upstream answer back unchanged: status, problem+json or JSON body. */
export function relay(reply: FastifyReply, upstream: UpstreamResponse): FastifyReply {
  return reply.status(upstream.status).header('content-type', upstream.contentType).send(upstream.body);
}

import { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import type { RouteSpec } from '@pb/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { limitBytes, uploadStream, type Identity } from '@pb/platform';
import { FORWARDED_REQUEST_HEADERS, UpstreamService, type UpstreamName, type UpstreamResponse } from './upstream.service.js';

/** Sends an upstream answer back unchanged: status, the headers that matter, problem+json, JSON or CSV. */
export function relay(reply: FastifyReply, upstream: UpstreamResponse): FastifyReply {
  void reply.status(upstream.status).header('content-type', upstream.contentType);
  for (const [k, v] of Object.entries(upstream.headers)) void reply.header(k, v);
  return reply.send(upstream.body);
}

/**
 * The one way a gateway route reaches its service: same method and path (the public and internal
 * paths are the same `/api/v1/...`), query string kept, the caller's verified identity forwarded.
 */
@Injectable()
export class Forwarder {
  constructor(private readonly upstream: UpstreamService) {}

  async to(service: UpstreamName, req: FastifyRequest, reply: FastifyReply, identity: Identity, body?: unknown): Promise<FastifyReply> {
    return relay(reply, await this.answer(service, req, identity, body));
  }

  /**
   * Streams an upload (a route with `upload` in its entry) on to its service as it arrives, never held
   * whole: counted on the way (413 once over the limit), media type and charset passed unchanged.
   */
  async upload(
    service: UpstreamName,
    spec: RouteSpec & { upload: NonNullable<RouteSpec['upload']> },
    req: FastifyRequest,
    reply: FastifyReply,
    identity: Identity,
  ) {
    const headers: Record<string, string | undefined> = {};
    for (const h of FORWARDED_REQUEST_HEADERS) {
      const v = req.headers[h];
      headers[h] = Array.isArray(v) ? v[0] : v;
    }
    const stream = Readable.from(limitBytes(uploadStream(req), spec.upload.maxBytes), { objectMode: false });
    return relay(
      reply,
      await this.upstream.forward(service, 'POST', req.url, {
        identity,
        correlationId: req.id,
        headers,
        upload: { stream, contentType: req.headers['content-type'] ?? spec.upload.mediaTypes[0] },
      }),
    );
  }

  /** The owning service's answer to the request, not yet sent back. */
  async answer(service: UpstreamName, req: FastifyRequest, identity: Identity, body?: unknown): Promise<UpstreamResponse> {
    const headers: Record<string, string | undefined> = {};
    for (const h of FORWARDED_REQUEST_HEADERS) {
      const v = req.headers[h];
      headers[h] = Array.isArray(v) ? v[0] : v;
    }
    const method = req.method as 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
    const sendsBody = method !== 'GET' && method !== 'DELETE';
    return this.upstream.forward(service, method, req.url, {
      identity,
      correlationId: req.id,
      headers,
      ...(sendsBody ? { body: body ?? {} } : {}),
    });
  }
}

/**
 * Forwards the request as it came (method, path with query string, JSON body) to the owning service,
 * which exposes the same routes, with the caller's verified identity; relays the answer unchanged.
 */
export function passThrough(upstream: UpstreamService, name: UpstreamName, req: FastifyRequest, reply: FastifyReply, identity: Identity) {
  return new Forwarder(upstream).to(name, req, reply, identity, req.body);
}

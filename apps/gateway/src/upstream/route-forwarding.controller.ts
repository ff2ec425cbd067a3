import { Controller, Req, Res, type Type } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Routes, type RouteId, type RouteSpec } from '@pb/contracts';
import { CurrentIdentity, Handle, type Identity } from '@pb/platform';
import { OrgUnitReads } from '../org-units/org-unit-reads.js';
import { Forwarder } from './forward.js';
import type { UpstreamName } from './upstream.service.js';

/** Every table entry a domain service owns: the gateway forwards it. */
export const forwardedRoutes = (): [RouteId, RouteSpec & { service: UpstreamName }][] =>
  (Object.entries(Routes) as [RouteId, RouteSpec][]).filter(
    (e): e is [RouteId, RouteSpec & { service: UpstreamName }] => e[1].service !== 'gateway',
  );

/**
 * The gateway's side of every route a domain service owns, made from the route table: one handler
 * per entry with the entry's roles, validation and OpenAPI (`Handle`), forwarding the request with
 * the caller's verified identity and relaying the answer. No route is written here by hand.
 */
@Controller()
export class RouteForwardingController {
  constructor(
    private readonly forwarder: Forwarder,
    private readonly orgUnits: OrgUnitReads,
  ) {}

  forward(id: RouteId, spec: RouteSpec & { service: UpstreamName }, identity: Identity, req: FastifyRequest, reply: FastifyReply) {
    if (OrgUnitReads.READS.includes(id)) return this.orgUnits.read((req.params as { id: string }).id, req, reply, identity);
    if (OrgUnitReads.CHANGES.includes(id)) return this.orgUnits.change(req, reply, identity);
    if (spec.upload) return this.forwarder.upload(spec.service, { ...spec, upload: spec.upload }, req, reply, identity);
    return this.forwarder.to(spec.service, req, reply, identity, req.body);
  }
}

/** One method per forwarded entry, decorated as if written by hand: identity, request, reply. */
for (const [id, spec] of forwardedRoutes()) {
  const proto = RouteForwardingController.prototype as unknown as Record<string, unknown>;
  proto[id] = function (this: RouteForwardingController, identity: Identity, req: FastifyRequest, reply: FastifyReply) {
    return this.forward(id, spec, identity, req, reply);
  };
  Reflect.defineMetadata('design:paramtypes', [Object, Object, Object], proto, id);
  CurrentIdentity()(proto, id, 0);
  Req()(proto, id, 1);
  Res()(proto, id, 2);
  Handle(spec)(proto, id, Object.getOwnPropertyDescriptor(proto, id)!);
}

export const GATEWAY_FORWARDING: Type[] = [RouteForwardingController];

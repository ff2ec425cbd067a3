import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RouteId } from '@pb/contracts';
import { ReadCache, Scope, type Identity } from '@pb/platform';
import { Forwarder, relay } from '../upstream/forward.js';
import type { UpstreamResponse } from '../upstream/upstream.service.js';

/** Injection token: how long the gateway keeps an org unit org-registry answered (ms), ORG_UNIT_CACHE_MS. */
export const GATEWAY_ORG_UNIT_CACHE_MS = Symbol('GATEWAY_ORG_UNIT_CACHE_MS');

/**
 * `GET /api/v1/org-units/:id`, the read behind nearly every page of a school or bureau, answered from
 * org-registry's last answer for a moment (docs/adr/0007). The gateway keeps a unit only as
 * org-registry answered it with 200 (the public view of an org unit, no personal data) and gives it
 * only to a caller whose org unit lies on the unit's path: the rule org-registry applies (`Scope`),
 * checked here on the same path. Any other caller is forwarded, and org-registry decides (404).
 * A change of org units forwarded by this replica forgets them all once answered; another replica's
 * shows within ORG_UNIT_CACHE_MS.
 */
@Injectable()
export class OrgUnitReads {
  /** The table's entries answered from what was kept, and the ones that change org units (then forget). */
  static readonly READS: readonly RouteId[] = ['getOrgUnitsOne'];
  static readonly CHANGES: readonly RouteId[] = [
    'postOrgUnits',
    'postOrgUnitsBatch',
    'patchOrgUnits',
    'postOrgUnitsMove',
    'postOrgUnitsClose',
  ];

  private readonly kept: ReadCache<UpstreamResponse>;

  constructor(
    private readonly forwarder: Forwarder,
    @Inject(GATEWAY_ORG_UNIT_CACHE_MS) cacheMs: number,
  ) {
    this.kept = new ReadCache<UpstreamResponse>(cacheMs);
  }

  async read(id: string, req: FastifyRequest, reply: FastifyReply, identity: Identity): Promise<FastifyReply> {
    const kept = this.kept.peek(id);
    if (kept && reaches(kept.body, identity)) return relay(reply, kept);
    const generation = this.kept.generation;
    const answer = await this.forwarder.answer('org-registry', req, identity);
    if (answer.status === 200 && reaches(answer.body, identity)) this.kept.keep(id, answer, generation);
    return relay(reply, answer);
  }

  /** Forwards a change of org units, and forgets every kept one once it is answered. */
  async change(req: FastifyRequest, reply: FastifyReply, identity: Identity): Promise<FastifyReply> {
    try {
      return await this.forwarder.to('org-registry', req, reply, identity, req.body);
    } finally {
      this.kept.forget();
    }
  }
}

/** Whether the answered unit's path is in the caller's scope: the platform's `Scope.reaches`, as org-registry decides. */
function reaches(body: unknown, identity: Identity): boolean {
  const path = (body as { path?: unknown } | undefined)?.path;
  return Array.isArray(path) && Scope.of(identity).reaches(path as string[]);
}

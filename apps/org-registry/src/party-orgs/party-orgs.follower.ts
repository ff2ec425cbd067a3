import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { AnyBulkWriteOperation } from 'mongoose';
import { OutboxRelay } from '@pb/messaging';
import { InjectScopedModel, Scope, type ScopedModel } from '@pb/platform';
import { TreeReader } from '../org-units/tree.reader.js';
import { affiliationChangedEvents } from './party-org.events.js';
import { PARTY_ORG_MODEL, type PartyOrg } from './party-org.schema.js';
import { affiliationAfterMove } from './routing.js';

const CHUNK = 500;
/** Organisations follow their moved units (after the move's answer, or at the next start): no caller's work. */
const FOLLOW = Scope.system('org tree: party organisations follow a moved subtree');

/** What the org tree asks of party organisations when units close or move. */
@Injectable()
export class PartyOrgsFollower implements OnModuleInit {
  constructor(
    @InjectScopedModel(PARTY_ORG_MODEL) private readonly partyOrgs: ScopedModel<PartyOrg>,
    private readonly tree: TreeReader,
    private readonly relay: OutboxRelay,
  ) {}

  onModuleInit() {
    this.relay.register(this.partyOrgs.unscoped(Scope.system('outbox relay')));
  }

  /** Open organisations at a unit the caller's scope has checked. */
  openCount(unitId: string, scope: Scope): Promise<number> {
    return this.partyOrgs.countDocuments(scope, { unitId, status: 'open' });
  }

  /**
   * After a move (`newPaths`: every unit of the moved subtree with its new path), each organisation
   * whose supervisor or reviewers change gets the new affiliation and its own events. Idempotent.
   */
  async followMove(
    newPaths: Map<string, string[]>,
    move: { moveId: string; correlationId?: string },
    renew: () => Promise<void>,
  ): Promise<number> {
    const orgs = await this.partyOrgs.find(FOLLOW, { unitId: { $in: [...newPaths.keys()] } }, { outbox: 0, history: 0 }).lean<PartyOrg[]>();
    if (orgs.length === 0) return 0;
    // Bureaus never sit below a school or unit, so those above the moved root are all there are.
    const anyPath = newPaths.values().next().value!;
    const bureaus = await this.tree.bureausOn(anyPath);
    const at = new Date();
    const ops: AnyBulkWriteOperation<PartyOrg>[] = [];
    for (const org of orgs) {
      const path = newPaths.get(org.unitId)!;
      const after = affiliationAfterMove(org, path, bureaus);
      if (after.supervisorId === org.supervisorId && after.reviewerIds.join() === org.reviewerIds.join()) continue;
      const next = { ...org, ...after, version: org.version + 1 };
      const events = await this.relay.sequence(
        ...affiliationChangedEvents(org, next, { reason: 'unit-moved', moveId: move.moveId }, move.correlationId),
      );
      ops.push({
        updateOne: {
          filter: { _id: org._id },
          update: {
            $set: { supervisorId: after.supervisorId, reviewerIds: after.reviewerIds, version: next.version },
            $push: {
              history: {
                version: next.version,
                change: 'affiliation-changed',
                at,
                by: 'org-registry',
                reason: 'unit-moved',
                moveId: move.moveId,
              },
              outbox: { $each: events },
            },
          },
        },
      });
    }
    for (let i = 0; i < ops.length; i += CHUNK) {
      await this.partyOrgs.unscoped(FOLLOW).bulkWrite(ops.slice(i, i + CHUNK), { ordered: false });
      await renew();
      this.relay.nudge();
    }
    return ops.length;
  }
}

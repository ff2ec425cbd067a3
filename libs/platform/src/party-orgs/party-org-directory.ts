import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { applyOnce, type ApplyResult } from '@pb/messaging';
import { OrgUnitDirectory } from '../org-units/org-unit-directory.js';
import type { OrgUnitView } from '../org-units/org-unit-view.schema.js';
import { PARTY_ORG_REF_MODEL, type PartyOrgRef } from './party-org-ref.schema.js';

/**
 * A service's read model of party organisations and their affiliation (reporting routes reports by it,
 * evaluation finds the reviewing bureaus of an assessment by it). Their units' paths come from
 * the service's org-unit read model (`OrgUnitDirectory`, docs/adr/0014), and follow a unit that moves.
 */
/**
 * A follow-up of a party organisation's change (reporting expects a new one's reports for the periods
 * already open). It runs after the change was applied, and again on the redelivery of that event, so
 * a follow-up cut short by a crash is finished: it must be idempotent.
 */
export type PartyOrgFollower = (partyOrg: PartyOrgRef) => Promise<void>;

@Injectable()
export class PartyOrgDirectory {
  private readonly followers: PartyOrgFollower[] = [];

  constructor(
    @InjectModel(PARTY_ORG_REF_MODEL) private readonly partyOrgs: Model<PartyOrgRef>,
    private readonly units: OrgUnitDirectory,
  ) {
    units.follow((unit) => this.followUnit(unit));
  }

  /**
   * A moved unit takes its party organisations along (their reports route by the new path). That is a
   * second write, which a crash can separate from the unit's and MongoDB may apply to only some of
   * them: the read model calls this again on the redelivery of the event the unit reflects.
   */
  private async followUnit(unit: OrgUnitView): Promise<void> {
    await this.partyOrgs.updateMany({ unitId: unit._id }, { $set: { unitPath: unit.path } });
  }

  /** Registers a follow-up of every party organisation change (see `PartyOrgFollower`). */
  follow(follower: PartyOrgFollower): void {
    this.followers.push(follower);
  }

  partyOrg(id: string): Promise<PartyOrgRef | null> {
    return this.partyOrgs.findById(id).lean<PartyOrgRef>();
  }

  /** Every active party organisation, for the expectations of a period. */
  activePartyOrgs(): AsyncIterable<PartyOrgRef> {
    return this.partyOrgs.find({ active: true }).sort({ _id: 1 }).lean<PartyOrgRef[]>().cursor();
  }

  /** Applies a party organisation's state in one write, guarded by its version: a redelivered or older event changes nothing. */
  async applyPartyOrg(
    state: Omit<PartyOrgRef, '_id' | 'lastEventId' | 'version'> & { partyOrgId: string; version: number },
    eventId: string,
  ): Promise<ApplyResult> {
    const { partyOrgId, version, ...rest } = state;
    const result = await applyOnce(this.partyOrgs.collection, { _id: partyOrgId, eventId, version, update: { $set: rest } });
    if (this.followers.length > 0) {
      const partyOrg = await this.partyOrg(partyOrgId);
      if (partyOrg && (result === 'applied' || partyOrg.lastEventId === eventId)) {
        for (const follower of this.followers) await follower(partyOrg);
      }
    }
    return result;
  }

  /**
   * A party organisation's state from org-registry (affiliation, routing, reviewers). Its unit's path
   * comes from the unit read model; when the unit's state has not arrived yet, the unit alone stands
   * in until it does (`followUnit`).
   */
  async applyPartyOrgState(
    state: Omit<PartyOrgRef, '_id' | 'lastEventId' | 'unitPath'> & { partyOrgId: string },
    eventId: string,
  ): Promise<ApplyResult> {
    const path = await this.units.pathOf(state.unitId);
    return this.applyPartyOrg({ ...state, unitPath: path ? [...path] : [state.unitId] }, eventId);
  }
}

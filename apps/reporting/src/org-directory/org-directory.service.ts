import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { EventData, OrgUnitCreatedV1 } from '@pb/contracts';
import { applyOnce, type ApplyResult } from '@pb/messaging';
import { ORG_UNIT_REF_MODEL, type OrgUnitRef } from './org-unit-ref.schema.js';
import { PARTY_ORG_REF_MODEL, type PartyOrgRef } from './party-org-ref.schema.js';
import type { BureauRef } from './routing.js';

type OrgUnitState = EventData<typeof OrgUnitCreatedV1>;

@Injectable()
export class OrgDirectoryService {
  constructor(
    @InjectModel(ORG_UNIT_REF_MODEL) private readonly refs: Model<OrgUnitRef>,
    @InjectModel(PARTY_ORG_REF_MODEL) private readonly partyOrgs: Model<PartyOrgRef>,
  ) {}

  /**
   * Applies an org unit's state in one write, guarded by its version: a redelivered or older event
   * changes nothing (the document records the version and the event id it reflects).
   */
  async apply(state: OrgUnitState, eventId: string): Promise<ApplyResult> {
    const { unitId, code, name, kind, parentId, path, level, version } = state;
    const result = await applyOnce(this.refs.collection, {
      _id: unitId,
      eventId,
      version,
      update: { $set: { code, name, kind, parentId, path, level } },
    });
    // A moved unit takes its party organisations along (their reports route by the new path). That is
    // a second write, which a crash can separate from the first and MongoDB may apply to only some of
    // them: the redelivery of the event the unit reflects (a duplicate to applyOnce) sets them again.
    if (result === 'applied' || (await this.refs.countDocuments({ _id: unitId, lastEventId: eventId }, { limit: 1 })) > 0) {
      await this.partyOrgs.updateMany({ unitId }, { $set: { unitPath: path } });
    }
    return result;
  }

  find(id: string): Promise<OrgUnitRef | null> {
    return this.refs.findById(id).lean<OrgUnitRef>();
  }

  partyOrg(id: string): Promise<PartyOrgRef | null> {
    return this.partyOrgs.findById(id).lean<PartyOrgRef>();
  }

  /** Every active party organisation, for the expectations of a period. */
  activePartyOrgs(): AsyncIterable<PartyOrgRef> {
    return this.partyOrgs.find({ active: true }).sort({ _id: 1 }).lean<PartyOrgRef[]>().cursor();
  }

  /** The bureaus (city, county) on each unit's path, root first: one read for them all. */
  async bureausOnPaths(paths: string[][]): Promise<BureauRef[][]> {
    const ids = [...new Set(paths.flat())];
    const units = await this.refs
      .find({ _id: { $in: ids }, kind: { $in: ['city-bureau', 'county-bureau'] } }, { kind: 1 })
      .lean<OrgUnitRef[]>();
    const kinds = new Map(units.map((u) => [u._id, u.kind as BureauRef['kind']]));
    return paths.map((path) => path.filter((id) => kinds.has(id)).map((id) => ({ id, kind: kinds.get(id)! })));
  }

  /** The city bureau: the root of the tree. */
  root(): Promise<OrgUnitRef | null> {
    return this.refs.findOne({ level: 0 }).lean<OrgUnitRef>();
  }

  /** The children of a unit, for roll-up tables. */
  children(unitId: string): Promise<OrgUnitRef[]> {
    return this.refs.find({ parentId: unitId }).sort({ code: 1 }).lean<OrgUnitRef[]>();
  }

  /** Applies a party organisation's state in one write, guarded by its version (as for units). */
  applyPartyOrg(
    state: Omit<PartyOrgRef, '_id' | 'lastEventId' | 'version'> & { partyOrgId: string; version: number },
    eventId: string,
  ): Promise<ApplyResult> {
    const { partyOrgId, version, ...rest } = state;
    return applyOnce(this.partyOrgs.collection, { _id: partyOrgId, eventId, version, update: { $set: rest } });
  }

  /**
   * A party organisation's state from org-registry (affiliation, routing, reviewers). Its unit's path
   * comes from the unit read model; when the unit's own event has not arrived yet, the unit alone
   * stands in until it does (see `apply`).
   */
  async applyPartyOrgState(
    state: Omit<PartyOrgRef, '_id' | 'lastEventId' | 'unitPath'> & { partyOrgId: string },
    eventId: string,
  ): Promise<ApplyResult> {
    const unit = await this.find(state.unitId);
    return this.applyPartyOrg({ ...state, unitPath: unit?.path ?? [state.unitId] }, eventId);
  }
}

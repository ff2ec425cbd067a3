import { Schema } from 'mongoose';

/** How a party organisation's reports are reviewed (分别报送市、县两级). */
export type RoutingPolicy = 'single' | 'both-levels';

/**
 * Reporting's read model of party organisations (党组织) and their affiliation (隶属关系), fed by
 * org-registry events: who reports, from which unit, and which bureau(s) review.
 */
export interface PartyOrgRef {
  _id: string;
  unitId: string;
  /** Path of the unit the party organisation belongs to, root first. */
  unitPath: string[];
  /** The supervising bureau named by the affiliation. */
  supervisorId: string;
  routing: RoutingPolicy;
  /** Reviewing bureaus as org-registry computed them from the routing policy; absent in older rows. */
  reviewerIds?: string[];
  active: boolean;
  version: number;
  lastEventId: string;
}

export const PARTY_ORG_REF_MODEL = 'PartyOrgRef';

export const PartyOrgRefSchema = new Schema<PartyOrgRef>(
  {
    _id: { type: String, required: true },
    unitId: { type: String, required: true },
    unitPath: { type: [String], required: true },
    supervisorId: { type: String, required: true },
    routing: { type: String, required: true, enum: ['single', 'both-levels'] },
    reviewerIds: { type: [String], default: undefined },
    active: { type: Boolean, required: true },
    version: { type: Number, required: true },
    lastEventId: { type: String, required: true },
  },
  { collection: 'party_orgs', versionKey: false },
);
// Serves: the scheduler's "every active party organisation of the city" when a period opens.
PartyOrgRefSchema.index({ active: 1, unitPath: 1 });

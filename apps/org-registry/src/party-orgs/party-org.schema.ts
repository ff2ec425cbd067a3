import { Schema } from 'mongoose';
import { withOutbox, type OutboxEvent } from '@pb/messaging';
import type { OrgOwnership, PathOf } from '@pb/platform';
import type { RoutingPolicy } from './routing.js';

export type PartyOrgKind = 'committee' | 'general-branch' | 'branch';

export interface ResponsiblePerson {
  name: string;
  title?: string;
  accountId?: string;
}

/** 党组织 A party organisation (committee 党委, general branch 党总支, branch 党支部) at an org unit. */
export interface PartyOrg {
  _id: string;
  unitId: string;
  cityId: string;
  kind: PartyOrgKind;
  name: string;
  parentPartyOrgId: string | null;
  /** Affiliation 隶属关系: the supervising bureau, always a bureau above the unit. */
  supervisorId: string;
  routing: RoutingPolicy;
  /** Bureaus that receive and review its reports (from routing and the tree). */
  reviewerIds: string[];
  /** 主要负责人 */
  principal: ResponsiblePerson;
  /** 分管负责人 */
  deputy: ResponsiblePerson;
  status: 'open' | 'closed';
  foundedOn: string | null;
  closedOn: string | null;
  version: number;
  history: { version: number; change: string; at: Date; by: string; [k: string]: unknown }[];
  outbox: OutboxEvent[];
}

export const PARTY_ORG_MODEL = 'PartyOrg';

export const PARTY_ORG_NOT_FOUND = { zh: '找不到党组织', en: 'Party organisation not found' };

/** Org-owned (docs/adr/0012): an organisation belongs to its unit, whose path the tree reader knows. */
export const partyOrgOwnership = (pathOf: PathOf): OrgOwnership<PartyOrg> => ({
  unitField: 'unitId',
  pathOf,
  notFound: PARTY_ORG_NOT_FOUND,
});

export const PartyOrgSchema: Schema<PartyOrg> = withOutbox(
  new Schema<PartyOrg>(
    {
      _id: { type: String, required: true },
      unitId: { type: String, required: true },
      cityId: { type: String, required: true },
      kind: { type: String, required: true, enum: ['committee', 'general-branch', 'branch'] },
      name: { type: String, required: true },
      parentPartyOrgId: { type: String, default: null },
      supervisorId: { type: String, required: true },
      routing: { type: String, required: true, enum: ['single', 'both-levels'] },
      reviewerIds: { type: [String], required: true },
      principal: { type: Schema.Types.Mixed, required: true },
      deputy: { type: Schema.Types.Mixed, required: true },
      status: { type: String, required: true, enum: ['open', 'closed'] },
      foundedOn: { type: String, default: null },
      closedOn: { type: String, default: null },
      version: { type: Number, required: true },
      history: { type: Schema.Types.Mixed, default: () => [] },
    },
    { collection: 'party_orgs', timestamps: true, versionKey: false, minimize: false },
  ),
);
// Serves: the organisations of a unit (GET /org-units/{id}/party-orgs, close checks, moves).
PartyOrgSchema.index({ unitId: 1, _id: 1 });

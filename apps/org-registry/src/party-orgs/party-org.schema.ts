import { defineAggregate } from '@pb/messaging';
import { field, type DocumentType } from '@pb/persistence';
import type { OrgOwnership, PathOf } from '@pb/platform';
import type { RoutingPolicy } from './routing.js';

export interface ResponsiblePerson {
  name: string;
  title?: string;
  accountId?: string;
}

export const PARTY_ORG_MODEL = 'PartyOrg';

export const PARTY_ORG_NOT_FOUND = { zh: '找不到党组织', en: 'Party organisation not found' };

/** Org-owned (docs/adr/0012): an organisation belongs to its unit, whose path the tree reader knows. */
export const partyOrgOwnership = (pathOf: PathOf): OrgOwnership<PartyOrg> => ({
  unitField: 'unitId',
  pathOf,
  notFound: PARTY_ORG_NOT_FOUND,
});

/** 党组织 A party organisation (committee 党委, general branch 党总支, branch 党支部) at an org unit. */
export const PartyOrgSchema = defineAggregate({
  collection: 'party_orgs',
  timestamps: true,
  minimize: false,
  fields: {
    unitId: field.string(),
    cityId: field.string(),
    kind: field.oneOf(['committee', 'general-branch', 'branch']),
    name: field.string(),
    parentPartyOrgId: field.string().orNull(),
    /** Affiliation 隶属关系: the supervising bureau, always a bureau above the unit. */
    supervisorId: field.string(),
    routing: field.oneOf(['single', 'both-levels'] satisfies RoutingPolicy[]),
    /** Bureaus that receive and review its reports (from routing and the tree). */
    reviewerIds: field.strings(),
    /** 主要负责人 */
    principal: field.mixed<ResponsiblePerson>(),
    /** 分管负责人 */
    deputy: field.mixed<ResponsiblePerson>(),
    status: field.oneOf(['open', 'closed']),
    foundedOn: field.string().orNull(),
    closedOn: field.string().orNull(),
    version: field.number(),
    history: field.mixed<{ version: number; change: string; at: Date; by: string; [k: string]: unknown }[]>().default(() => []),
  },
});
/** `createdAt` and `updatedAt` are mongoose's (timestamps): the service writes a party organisation without them. */
export type PartyOrg = Omit<DocumentType<typeof PartyOrgSchema>, 'createdAt' | 'updatedAt'>;
export type PartyOrgKind = PartyOrg['kind'];
// Serves: the organisations of a unit (GET /org-units/{id}/party-orgs, close checks, moves).
PartyOrgSchema.index({ unitId: 1, _id: 1 });

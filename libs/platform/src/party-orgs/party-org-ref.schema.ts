import { defineDocument, field, type DocumentType } from '@pb/persistence';

export const PARTY_ORG_REF_MODEL = 'PartyOrgRef';

export const PartyOrgRefSchema = defineDocument({
  collection: 'party_orgs',
  fields: {
    unitId: field.string(),
    /** Path of the unit the party organisation belongs to, root first. */
    unitPath: field.strings(),
    /** The supervising bureau named by the affiliation. */
    supervisorId: field.string(),
    routing: field.oneOf(['single', 'both-levels']),
    /** Reviewing bureaus as org-registry computed them from the routing policy; absent in older rows. */
    reviewerIds: field.strings().optional(),
    active: field.boolean(),
    version: field.number(),
    lastEventId: field.string(),
  },
});
/**
 * A service's read model of party organisations (党组织) and their affiliation (隶属关系), fed by
 * org-registry events: who reports, from which unit, and which bureau(s) review.
 */
export type PartyOrgRef = DocumentType<typeof PartyOrgRefSchema>;
// Serves: the scheduler's "every active party organisation of the city" when a period opens.
PartyOrgRefSchema.index({ active: 1, unitPath: 1 });
/** How a party organisation's reports are reviewed (分别报送市、县两级). */
export type RoutingPolicy = PartyOrgRef['routing'];

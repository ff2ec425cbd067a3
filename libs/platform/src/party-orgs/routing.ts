import type { BureauRef } from '../org-units/org-unit-directory.js';
import type { PartyOrgRef } from './party-org-ref.schema.js';

/**
 * Which bureaus review a party organisation's reports. `single`: the supervising bureau named by the
 * affiliation. `both-levels`: every bureau on the unit's path (the county and the city), each
 * reviewing independently. City-direct schools have only the city on their path.
 */
export function reviewersOf(partyOrg: Pick<PartyOrgRef, 'supervisorId' | 'routing' | 'reviewerIds'>, bureausOnPath: BureauRef[]): string[] {
  // org-registry publishes the reviewers it derived from the routing policy: they win.
  if (partyOrg.reviewerIds && partyOrg.reviewerIds.length > 0) return partyOrg.reviewerIds;
  if (partyOrg.routing === 'single') return [partyOrg.supervisorId];
  const levels = bureausOnPath.map((b) => b.id);
  return levels.includes(partyOrg.supervisorId) ? levels : [...levels, partyOrg.supervisorId];
}

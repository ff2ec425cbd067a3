/**
 * Affiliation (党组织隶属关系) and report routing (报送) of a party organisation, computed from the
 * bureaus above its unit. Pure, so moves, creations and the tests share one definition.
 */
export type RoutingPolicy = 'single' | 'both-levels';

export interface BureauOnPath {
  id: string;
  kind: 'city-bureau' | 'county-bureau';
}

/**
 * The bureaus that may supervise an organisation of the unit at `path` (root first), nearest last:
 * bureaus strictly above the unit, or the city bureau itself for the city bureau's own organisation.
 */
export function candidateSupervisors(path: readonly string[], bureaus: readonly BureauOnPath[]): BureauOnPath[] {
  const unitId = path[path.length - 1];
  const above = bureaus.filter((b) => b.id !== unitId || b.kind === 'city-bureau');
  return path.map((id) => above.find((b) => b.id === id)).filter((b): b is BureauOnPath => b !== undefined);
}

/** The default supervisor: the nearest bureau above the unit (its county, or the city for a city-direct school). */
export function defaultSupervisor(path: readonly string[], bureaus: readonly BureauOnPath[]): string {
  const candidates = candidateSupervisors(path, bureaus);
  const nearest = candidates[candidates.length - 1];
  if (!nearest) throw new Error(`no bureau above ${path.join('/')}`);
  return nearest.id;
}

/**
 * Reviewing bureaus: `single` is the supervisor alone; `both-levels` is the county above the unit
 * (when there is one) and the city, each reviewing independently, county first.
 */
export function reviewersFor(
  routing: RoutingPolicy,
  supervisorId: string,
  path: readonly string[],
  bureaus: readonly BureauOnPath[],
): string[] {
  if (routing === 'single') return [supervisorId];
  const candidates = candidateSupervisors(path, bureaus);
  const county = [...candidates].reverse().find((b) => b.kind === 'county-bureau');
  const city = candidates.find((b) => b.kind === 'city-bureau');
  return [...new Set([county?.id, city?.id].filter((id): id is string => id !== undefined))];
}

/**
 * After the unit moved: the supervisor stays when it is still above the unit (the city), otherwise
 * it becomes the nearest bureau above the new place; the reviewers follow from the policy.
 */
export function affiliationAfterMove(
  current: { supervisorId: string; routing: RoutingPolicy },
  newPath: readonly string[],
  bureaus: readonly BureauOnPath[],
): { supervisorId: string; reviewerIds: string[] } {
  const stillAbove = candidateSupervisors(newPath, bureaus).some((b) => b.id === current.supervisorId);
  const supervisorId = stillAbove ? current.supervisorId : defaultSupervisor(newPath, bureaus);
  return { supervisorId, reviewerIds: reviewersFor(current.routing, supervisorId, newPath, bureaus) };
}

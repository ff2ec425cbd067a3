/** Pure rules of the org tree: which kind may sit under which, and how a move rewrites paths. */
import type { OrgUnitKind } from './org-unit.schema.js';

/**
 * Parent kinds each kind accepts. Counties sit under the city; schools under a bureau or under a unit
 * (a 学区 or 教育集团 grouping schools, so a group of schools can move as one subtree); units also under
 * a school (a campus 校区 or teaching point 教学点).
 */
const ALLOWED_PARENTS: Record<OrgUnitKind, readonly OrgUnitKind[]> = {
  'city-bureau': [],
  'county-bureau': ['city-bureau'],
  school: ['city-bureau', 'county-bureau', 'unit'],
  unit: ['city-bureau', 'county-bureau', 'unit', 'school'],
};

export function mayHaveParent(kind: OrgUnitKind, parentKind: OrgUnitKind): boolean {
  return ALLOWED_PARENTS[kind].includes(parentKind);
}

export function isBureau(kind: OrgUnitKind): boolean {
  return kind === 'city-bureau' || kind === 'county-bureau';
}

/** The path of a descendant after its ancestor `rootId` moved to `rootNewPath`. */
export function rewrittenPath(path: readonly string[], rootId: string, rootNewPath: readonly string[]): string[] {
  const at = path.indexOf(rootId);
  if (at < 0) throw new Error(`${rootId} is not on the path ${path.join('/')}`);
  return [...rootNewPath, ...path.slice(at + 1)];
}

/** Whether a descendant's path already starts with its moved ancestor's new path. */
export function startsWith(path: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((id, i) => path[i] === id);
}

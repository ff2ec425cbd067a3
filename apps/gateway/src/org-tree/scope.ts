import { problem, type Identity } from '@pb/platform';
import type { OrgTreeService } from './org-tree.service.js';

/** 404, never 403, for what lies outside the caller's subtree: no hint that it exists (ARCHITECTURE.md §7). */
export const outsideScope = (what: { zh: string; en: string } = { zh: '找不到资源', en: 'Not found' }) => problem.notFound(what);

/** The unit a query is about: the caller's own by default; one outside its subtree is a 404. */
export async function scopedUnit(tree: OrgTreeService, caller: Identity, unit: string | undefined): Promise<string> {
  const target = unit ?? caller.orgUnitId;
  if (target !== caller.orgUnitId && !(await tree.isWithin(target, caller.orgUnitId))) throw outsideScope();
  return target;
}

/** Whether a caller reached the gateway with an API key (keys may not manage keys or accounts). */
export const viaApiKey = (caller: Identity) => caller.sub.startsWith('api-key:');

/** The org unit ids a notice's text names: the unit it is about, and params such as `bureauId`. */
export function unitIdsOf(unitId: string, params: Record<string, unknown>): string[] {
  const ids = [unitId];
  for (const [k, v] of Object.entries(params)) if (typeof v === 'string' && (k === 'bureauId' || k.endsWith('UnitId'))) ids.push(v);
  return ids;
}

import { defineAggregate } from '@pb/messaging';
import { field, type DocumentType } from '@pb/persistence';

/** One change in a unit's life, kept on the unit (组织沿革). */
export interface OrgUnitHistoryEntry {
  version: number;
  change: 'created' | 'renamed' | 'moved' | 'closed';
  at: Date;
  by: string;
  name?: string;
  previousName?: string;
  path?: string[];
  previousPath?: string[];
  moveId?: string;
  closedOn?: string;
}

export const ORG_UNIT_MODEL = 'OrgUnit';

/** 组织单位 An org unit of the city's tree: the city bureau, a county bureau, a school or unit. */
export const OrgUnitSchema = defineAggregate({
  collection: 'org_units',
  timestamps: true,
  minimize: false,
  fields: {
    /** The city bureau at the root of the unit's tree (path[0]); codes are unique within it. */
    cityId: field.string(),
    code: field.string(),
    name: field.string(),
    kind: field.oneOf(['city-bureau', 'county-bureau', 'school', 'unit']),
    parentId: field.string().orNull(),
    /** Materialised path: ancestor ids root first, ending with this unit. */
    path: field.strings(),
    level: field.number(),
    version: field.number(),
    status: field.oneOf(['open', 'closed']).default('open').required(),
    openedOn: field.string(),
    closedOn: field.string().orNull(),
    history: field.mixed<OrgUnitHistoryEntry[]>().default(() => []),
    /** Set while the unit's subtree is following a move; a restart finishes the move from it. */
    pendingMove: field.mixed<{ moveId: string; previousPath: string[]; by: string; correlationId?: string } | null>().optional(),
  },
});
export type OrgUnit = DocumentType<typeof OrgUnitSchema>;
export type OrgUnitKind = OrgUnit['kind'];
// Serves: code uniqueness within the city (create refuses a duplicate code in the same city).
OrgUnitSchema.index({ cityId: 1, code: 1 }, { unique: true });
// Serves: subtree pages ("every unit under this county", by ancestor id in the path, cursor on _id).
OrgUnitSchema.index({ path: 1, _id: 1 });
// Serves: children pages and the "no open children" check of close.
OrgUnitSchema.index({ parentId: 1, _id: 1 });

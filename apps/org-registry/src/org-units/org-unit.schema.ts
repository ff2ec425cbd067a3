import { Schema } from 'mongoose';
import { withOutbox, type OutboxEvent } from '@pb/messaging';

export type OrgUnitKind = 'city-bureau' | 'county-bureau' | 'school' | 'unit';

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

/** 组织单位 An org unit of the city's tree: the city bureau, a county bureau, a school or unit. */
export interface OrgUnit {
  _id: string;
  /** The city bureau at the root of the unit's tree (path[0]); codes are unique within it. */
  cityId: string;
  code: string;
  name: string;
  kind: OrgUnitKind;
  parentId: string | null;
  /** Materialised path: ancestor ids root first, ending with this unit. */
  path: string[];
  level: number;
  version: number;
  status: 'open' | 'closed';
  openedOn: string;
  closedOn: string | null;
  history: OrgUnitHistoryEntry[];
  /** Set while the unit's subtree is following a move; a restart finishes the move from it. */
  pendingMove?: { moveId: string; previousPath: string[]; by: string; correlationId?: string } | null;
  createdAt: Date;
  updatedAt: Date;
  outbox: OutboxEvent[];
}

export const ORG_UNIT_MODEL = 'OrgUnit';

export const OrgUnitSchema: Schema<OrgUnit> = withOutbox(
  new Schema<OrgUnit>(
    {
      _id: { type: String, required: true },
      cityId: { type: String, required: true },
      code: { type: String, required: true },
      name: { type: String, required: true },
      kind: { type: String, required: true, enum: ['city-bureau', 'county-bureau', 'school', 'unit'] },
      parentId: { type: String, default: null },
      path: { type: [String], required: true },
      level: { type: Number, required: true },
      version: { type: Number, required: true },
      status: { type: String, required: true, enum: ['open', 'closed'], default: 'open' },
      openedOn: { type: String, required: true },
      closedOn: { type: String, default: null },
      history: { type: Schema.Types.Mixed, default: () => [] },
      pendingMove: { type: Schema.Types.Mixed, default: undefined },
    },
    { collection: 'org_units', timestamps: true, versionKey: false, minimize: false },
  ),
);
// Serves: code uniqueness within the city (create refuses a duplicate code in the same city).
OrgUnitSchema.index({ cityId: 1, code: 1 }, { unique: true });
// Serves: subtree pages ("every unit under this county", by ancestor id in the path, cursor on _id).
OrgUnitSchema.index({ path: 1, _id: 1 });
// Serves: children pages and the "no open children" check of close.
OrgUnitSchema.index({ parentId: 1, _id: 1 });

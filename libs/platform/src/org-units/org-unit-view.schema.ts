import { Schema } from 'mongoose';
import type { EventData, OrgUnitStateV1 } from '@pb/contracts';

/** A unit's state as org-registry publishes it on `orgs.units.state.v1`. */
export type OrgUnitState = EventData<typeof OrgUnitStateV1>;
export type OrgUnitKind = OrgUnitState['kind'];

/**
 * A service's copy of one org unit (组织单位), fed only by org-registry's compacted state topic
 * (docs/adr/0014): what subtree checks, names, roll-ups and routing ask of the tree.
 */
export interface OrgUnitView extends Pick<OrgUnitState, 'code' | 'name' | 'kind' | 'parentId' | 'path' | 'level' | 'version'> {
  _id: string;
  /** open 开办 | closed 撤销: a closed unit stays, with its place in the tree (units are never deleted). */
  status: 'open' | 'closed';
  closedOn: string | null;
  /** The event that brought `version`: older or repeated events change nothing. */
  lastEventId: string;
}

export const ORG_UNIT_VIEW_MODEL = 'OrgUnitView';

export const OrgUnitViewSchema = new Schema<OrgUnitView>(
  {
    _id: { type: String, required: true },
    code: { type: String, required: true },
    name: { type: String, required: true },
    kind: { type: String, required: true },
    parentId: { type: String, default: null },
    path: { type: [String], required: true },
    level: { type: Number, required: true },
    status: { type: String, enum: ['open', 'closed'], default: 'open' },
    closedOn: { type: String, default: null },
    version: { type: Number, required: true },
    lastEventId: { type: String, required: true },
  },
  { collection: 'org_units', versionKey: false },
);
// Serves: "every unit under Y" ({path: Y}: the gateway's lists of accounts, keys and audit entries).
OrgUnitViewSchema.index({ path: 1 });
// Serves: the children of a unit, by code (reporting's roll-up tables).
OrgUnitViewSchema.index({ parentId: 1, code: 1 });

import { Schema } from 'mongoose';

/**
 * The gateway's read model of the org tree (组织架构), fed only by org-registry's events: enough to
 * decide whether a unit lies inside a caller's subtree, for accounts, API keys and the audit log.
 */
export interface OrgUnitNode {
  _id: string;
  kind: string;
  parentId: string | null;
  /** Ancestor ids, root first, ending with this unit. */
  path: string[];
  level: number;
  version: number;
}

export const ORG_UNIT_NODE_MODEL = 'OrgUnitNode';

export const OrgUnitNodeSchema = new Schema<OrgUnitNode>(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true },
    parentId: { type: String, default: null },
    path: { type: [String], required: true },
    level: { type: Number, required: true },
    version: { type: Number, required: true },
  },
  { collection: 'org_units', versionKey: false },
);
// Serves: "is unit X inside the subtree of Y" ({_id, path: Y}) and "every unit under Y" ({path: Y}).
OrgUnitNodeSchema.index({ path: 1 });

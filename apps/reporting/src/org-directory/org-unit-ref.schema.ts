import { Schema } from 'mongoose';

/**
 * Reporting's local read model of the org tree (隶属关系), fed by org-registry events: which
 * bureau a school reports to. Never read from org-registry's database (ARCHITECTURE.md §2).
 */
export interface OrgUnitRef {
  _id: string;
  code: string;
  name: string;
  kind: string;
  parentId: string | null;
  path: string[];
  level: number;
  /** Version of the org unit this row reflects; older or repeated events never overwrite it. */
  version: number;
  lastEventId: string;
}

export const ORG_UNIT_REF_MODEL = 'OrgUnitRef';

export const OrgUnitRefSchema = new Schema<OrgUnitRef>(
  {
    _id: { type: String, required: true },
    code: { type: String, required: true },
    name: { type: String, required: true },
    kind: { type: String, required: true },
    parentId: { type: String, default: null },
    path: { type: [String], required: true },
    level: { type: Number, required: true },
    version: { type: Number, required: true },
    lastEventId: { type: String, required: true },
  },
  { collection: 'org_units', versionKey: false },
);
// Serves: a bureau's subtree (review queues and roll-ups by ancestor id).
OrgUnitRefSchema.index({ path: 1 });

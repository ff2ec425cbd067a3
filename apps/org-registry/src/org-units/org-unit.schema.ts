import { Schema } from 'mongoose';
import { withOutbox, type OutboxEvent } from '@pb/messaging';

export type OrgUnitKind = 'city-bureau' | 'county-bureau' | 'school' | 'unit';

/** 組織單位 An org unit of the city's tree: the city bureau, a county bureau, a school or unit. */
export interface OrgUnit {
  _id: string;
  code: string;
  name: string;
  kind: OrgUnitKind;
  parentId: string | null;
  /** Materialised path: ancestor ids root first, ending with this unit. */
  path: string[];
  level: number;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  outbox: OutboxEvent[];
}

export const ORG_UNIT_MODEL = 'OrgUnit';

export const OrgUnitSchema = withOutbox(
  new Schema<OrgUnit>(
    {
      _id: { type: String, required: true },
      code: { type: String, required: true },
      name: { type: String, required: true },
      kind: { type: String, required: true, enum: ['city-bureau', 'county-bureau', 'school', 'unit'] },
      parentId: { type: String, default: null },
      path: { type: [String], required: true },
      level: { type: Number, required: true },
      version: { type: Number, required: true },
    },
    { collection: 'org_units', timestamps: true, versionKey: false },
  ),
);
// Serves: code uniqueness within the city (POST /org-units refuses a duplicate code).
OrgUnitSchema.index({ code: 1 }, { unique: true });
// Serves: subtree queries ("every unit under this county"), by ancestor id in the path.
OrgUnitSchema.index({ path: 1 });

import { defineDocument, field, type DocumentType } from '@pb/persistence';
import type { EventData, OrgUnitStateV1 } from '@pb/contracts';

/** A unit's state as org-registry publishes it on `orgs.units.state.v1`. */
export type OrgUnitState = EventData<typeof OrgUnitStateV1>;
export type OrgUnitKind = OrgUnitState['kind'];

export const ORG_UNIT_VIEW_MODEL = 'OrgUnitView';

/**
 * A service's copy of one org unit (组织单位), fed only by org-registry's compacted state topic
 * (docs/adr/0014): what subtree checks, names, roll-ups and routing ask of the tree.
 */
export const OrgUnitViewSchema = defineDocument({
  collection: 'org_units',
  fields: {
    code: field.string(),
    name: field.string(),
    kind: field.string<OrgUnitKind>(),
    parentId: field.string().orNull(),
    path: field.strings(),
    level: field.number(),
    /** open 开办 | closed 撤销: a closed unit stays, with its place in the tree (units are never deleted). */
    status: field.oneOf(['open', 'closed']).default('open'),
    closedOn: field.string().orNull(),
    version: field.number(),
    /** The event that brought `version`: older or repeated events change nothing. */
    lastEventId: field.string(),
  },
});
export type OrgUnitView = DocumentType<typeof OrgUnitViewSchema>;
// Serves: "every unit under Y" ({path: Y}: the gateway's lists of accounts, keys and audit entries).
OrgUnitViewSchema.index({ path: 1 });
// Serves: the children of a unit, by code (reporting's roll-up tables).
OrgUnitViewSchema.index({ parentId: 1, code: 1 });

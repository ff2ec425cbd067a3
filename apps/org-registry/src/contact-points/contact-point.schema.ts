import { defineAggregate } from '@pb/messaging';
import { field, type DocumentType } from '@pb/persistence';
import type { OrgOwnership, PathOf } from '@pb/platform';

export interface Visit {
  id: string;
  date: string;
  purpose: string;
  outcome: string;
  loggedBy: string;
  loggedAt: Date;
}

export const CONTACT_POINT_MODEL = 'ContactPoint';

export const CONTACT_POINT_NOT_FOUND = { zh: '找不到联系点', en: 'Contact point not found' };

/**
 * Org-owned (docs/adr/0012): a contact point belongs to its school, whose path the tree reader knows,
 * and is addressed to its cadre, who reaches it wherever the school lies.
 */
export const contactPointOwnership = (pathOf: PathOf): OrgOwnership<ContactPoint> => ({
  unitField: 'schoolId',
  pathOf,
  addressee: { field: 'cadreAccountId', keys: (scope) => [scope.accountId] },
  notFound: CONTACT_POINT_NOT_FOUND,
});

/** 联系点 A bureau cadre's link to a grassroots school (三联三进, 两挂两互, 干部下基层), with the visits made. */
export const ContactPointSchema = defineAggregate({
  collection: 'contact_points',
  minimize: false,
  fields: {
    cadreAccountId: field.string(),
    cadreName: field.string().orNull(),
    cadreUnitId: field.string(),
    schoolId: field.string(),
    cityId: field.string(),
    programme: field.string(),
    since: field.string(),
    endedOn: field.string().orNull(),
    status: field.oneOf(['active', 'ended']),
    visits: field.mixed<Visit[]>().default(() => []),
    version: field.number(),
  },
});
export type ContactPoint = DocumentType<typeof ContactPointSchema>;
// Serves: the contact points of a school (GET /org-units/{id}/contact-points).
ContactPointSchema.index({ schoolId: 1, _id: 1 });

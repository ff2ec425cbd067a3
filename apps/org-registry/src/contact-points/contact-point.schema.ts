import { Schema } from 'mongoose';
import { withOutbox, type OutboxEvent } from '@pb/messaging';
import type { OrgOwnership, PathOf } from '@pb/platform';

export interface Visit {
  id: string;
  date: string;
  purpose: string;
  outcome: string;
  loggedBy: string;
  loggedAt: Date;
}

/** 联系点 A bureau cadre's link to a grassroots school (三联三进, 两挂两互, 干部下基层), with the visits made. */
export interface ContactPoint {
  _id: string;
  cadreAccountId: string;
  cadreName: string | null;
  cadreUnitId: string;
  schoolId: string;
  cityId: string;
  programme: string;
  since: string;
  endedOn: string | null;
  status: 'active' | 'ended';
  visits: Visit[];
  version: number;
  outbox: OutboxEvent[];
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

export const ContactPointSchema: Schema<ContactPoint> = withOutbox(
  new Schema<ContactPoint>(
    {
      _id: { type: String, required: true },
      cadreAccountId: { type: String, required: true },
      cadreName: { type: String, default: null },
      cadreUnitId: { type: String, required: true },
      schoolId: { type: String, required: true },
      cityId: { type: String, required: true },
      programme: { type: String, required: true },
      since: { type: String, required: true },
      endedOn: { type: String, default: null },
      status: { type: String, required: true, enum: ['active', 'ended'] },
      visits: { type: Schema.Types.Mixed, default: () => [] },
      version: { type: Number, required: true },
    },
    { collection: 'contact_points', versionKey: false, minimize: false },
  ),
);
// Serves: the contact points of a school (GET /org-units/{id}/contact-points).
ContactPointSchema.index({ schoolId: 1, _id: 1 });

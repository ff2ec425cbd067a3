import { defineAggregate, withOutboxBatches } from '@pb/messaging';
import { field, type DocumentType } from '@pb/persistence';
import { OrgUnitDirectory } from '@pb/platform';

export const ENROLMENT_MODEL = 'Enrolment';
export const ENROLMENT_NOT_FOUND = { zh: '找不到报名记录', en: 'Enrolment not found' };

/** One attended session: the session (its date) and the hours recorded for it. */
export interface Attended {
  sessionId: string;
  hours: number;
}

/** How a teacher was certified: by the rule (hours and assessment), or by a bureau's exception with a reason. */
export interface Certification {
  by: 'rule' | 'exception';
  reason: string | null;
  at: Date;
  actor: string;
}

/**
 * 报名与认定 One teacher's record in one programme (`_id` `<programmeId>:<teacherId>`): attended sessions,
 * hours, assessment and certification, with the training events in its outbox. Owned by the teacher's
 * school (`unitId`). Copies what the rule needs from the programme, so one write decides certification.
 * An import's batch writes it once and keeps the batch's events in one outbox document of its own
 * (`outboxBatches` names the batches whose write landed here: `OutboxBatches`, docs/adr/0020).
 */
export const EnrolmentSchema = withOutboxBatches(
  defineAggregate({
    collection: 'enrolments',
    fields: {
      programmeId: field.string(),
      teacherId: field.string(),
      unitId: field.string(),
      unitPath: field.strings(),
      organiserId: field.string(),
      year: field.number(),
      requiredHours: field.number(),
      assessmentMethod: field.oneOf(['exam', 'practice', 'none']),
      attended: field.mixed<Attended[]>().default(() => []),
      hours: field.number(),
      assessment: field.string<'passed' | 'failed'>().orNull(),
      completed: field.boolean(),
      certified: field.boolean(),
      certification: field.mixed<Certification | null>().orNull(),
      version: field.number(),
      enrolledAt: field.date(),
      enrolledBy: field.string(),
    },
  }),
);
export type Enrolment = DocumentType<typeof EnrolmentSchema>;
// Serves: a programme's enrolments of some schools ({programmeId, unitId: {$in}}), keyset on _id.
EnrolmentSchema.index({ programmeId: 1, unitId: 1, _id: 1 });

/** Org-owned (docs/adr/0012): an enrolment belongs to the teacher's school. */
export const enrolmentOwnership = OrgUnitDirectory.owning<Enrolment>('unitId', ENROLMENT_NOT_FOUND);

export const enrolmentId = (programmeId: string, teacherId: string) => `${programmeId}:${teacherId}`;

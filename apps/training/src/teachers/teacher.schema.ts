import { defineAggregate } from '@pb/messaging';
import { field, type DocumentType } from '@pb/persistence';
import { OrgUnitDirectory } from '@pb/platform';

export const TEACHER_MODEL = 'Teacher';
export const TEACHER_NOT_FOUND = { zh: '找不到教师', en: 'Teacher not found' };

/**
 * 教师 A teacher of a school's roster. Personal data (name, staff number, birth year): read only by the
 * school and the bureaus above it, never on a topic; events name the teacher by `_id`, a random id the
 * service gives (docs/adr/0019), never by staff number.
 */
export const TeacherSchema = defineAggregate({
  collection: 'teachers',
  fields: {
    unitId: field.string(),
    name: field.string(),
    staffNumber: field.string(),
    subject: field.string(),
    birthYear: field.number(),
    partyMember: field.boolean(),
    /** The org-registry member record (党员记录), where one exists. */
    memberId: field.string().orNull(),
    version: field.number(),
    createdAt: field.date(),
    createdBy: field.string(),
    updatedAt: field.date(),
  },
});
export type Teacher = DocumentType<typeof TeacherSchema>;
// Serves: a school's roster page ({unitId, _id > cursor}), and the staff number's uniqueness per school.
TeacherSchema.index({ unitId: 1, staffNumber: 1 }, { unique: true });
// Serves: GET /training/schools/{id}/teachers, keyset on _id.
TeacherSchema.index({ unitId: 1, _id: 1 });

/** Org-owned (docs/adr/0012): a teacher belongs to its school (`unitId`), whose path the org-unit read model knows. */
export const teacherOwnership = OrgUnitDirectory.owning<Teacher>('unitId', TEACHER_NOT_FOUND);

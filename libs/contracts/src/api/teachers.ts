import type { FromSchema } from 'json-schema-to-ts';
import { anyInteger, body, patchBody, stringOrNull, strings, text, view } from './fragments.js';

/** A staff number (工号): unique within its school. */
export const StaffNumberSchema = {
  type: 'string',
  minLength: 1,
  maxLength: 32,
  pattern: '^[A-Za-z0-9_-]+$',
  description: 'Staff number, unique in the school 工号（校内唯一）',
} as const;
/** A birth year (出生年份): teachers of working age. */
export const BirthYearSchema = { type: 'integer', minimum: 1940, maximum: 2010, description: 'Birth year 出生年份' } as const;
const MEMBER_LINK = {
  type: ['string', 'null'],
  minLength: 1,
  maxLength: 200,
  description: 'The org-registry member record of this teacher, where one exists 关联的党员记录标识',
} as const;

const teacherFields = {
  name: text(50, 'Name 姓名'),
  staffNumber: StaffNumberSchema,
  subject: text(50, 'Subject taught 任教学科'),
  birthYear: BirthYearSchema,
  partyMember: { type: 'boolean', description: 'Party member 是否党员' },
  memberId: MEMBER_LINK,
} as const;

/** Body of POST /api/v1/training/schools/{id}/teachers. */
export const CreateTeacherSchema = body(['name', 'staffNumber', 'subject', 'birthYear', 'partyMember'], teacherFields);
export type CreateTeacherDto = FromSchema<typeof CreateTeacherSchema>;

/** Body of PATCH /api/v1/training/teachers/{id}: any of the fields. */
export const UpdateTeacherSchema = patchBody(teacherFields);
export type UpdateTeacherDto = FromSchema<typeof UpdateTeacherSchema>;

/** 教师 One teacher of a school's roster. Personal data: never served to analysts, never on a topic. */
export const TeacherViewSchema = view(['id', 'unitId', 'name', 'staffNumber', 'subject', 'birthYear', 'partyMember', 'version'], {
  ...strings('id', 'unitId', 'name', 'staffNumber', 'subject'),
  birthYear: anyInteger,
  partyMember: { type: 'boolean' },
  memberId: stringOrNull,
  version: anyInteger,
});

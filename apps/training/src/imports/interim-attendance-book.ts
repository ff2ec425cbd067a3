import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Collection, Model } from 'mongoose';
import { defineDocument, field, insertNew, type DocumentType } from '@pb/persistence';
import type { Scope } from '@pb/platform';
import type { AttendanceBook, AttendanceEntry, AttendanceRefusal } from './attendance.importer.js';

export const INTERIM_ATTENDANCE_MODEL = 'InterimAttendance';

/**
 * Attendance as the importer records it until the training records' own `AttendanceService` (sessions,
 * hours, certification: docs/adr/0019) takes the `ATTENDANCE_BOOK` binding: one document per
 * (session, teacher), so recording it again changes nothing. Sessions are not checked here.
 */
export const InterimAttendanceSchema = defineDocument({
  collection: 'attendance_interim',
  fields: {
    unitId: field.string(),
    sessionId: field.string(),
    teacherId: field.string(),
    hours: field.number().orNull(),
    recordedAt: field.date(),
    recordedBy: field.string(),
  },
});
export type InterimAttendance = DocumentType<typeof InterimAttendanceSchema>;
// Serves: a school's attendance (unitId), e.g. the import tests' counts.
InterimAttendanceSchema.index({ unitId: 1 });

@Injectable()
export class InterimAttendanceBook implements AttendanceBook {
  constructor(@InjectModel(INTERIM_ATTENDANCE_MODEL) private readonly attendance: Model<InterimAttendance>) {}

  check(): Promise<AttendanceRefusal[]> {
    return Promise.resolve([]);
  }

  /** The unit was checked against the scope by the importer's teacher lookup (`byStaffNumbers`). */
  async record(scope: Scope, unitId: string, entries: AttendanceEntry[]): Promise<AttendanceRefusal[]> {
    const now = new Date();
    await insertNew(
      this.attendance.collection as unknown as Collection<InterimAttendance>,
      entries.map((e) => ({
        _id: `${e.sessionId}:${e.teacherId}`,
        unitId,
        sessionId: e.sessionId,
        teacherId: e.teacherId,
        hours: e.hours ?? null,
        recordedAt: now,
        recordedBy: scope.accountId,
      })),
    );
    return [];
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { StaffNumberSchema } from '@pb/contracts';
import type { Bilingual, CsvColumn, ParsedRow, RowError, RowImporter, Scope } from '@pb/platform';
import { TeachersService } from '../teachers/teachers.service.js';

/** One attendance to record: a teacher of the school at a session, with the hours attended (the session's when absent). */
export interface AttendanceEntry {
  sessionId: string;
  teacherId: string;
  hours?: number;
}

/** An entry the attendance records refused, by its index in the call, naming the column at fault. */
export interface AttendanceRefusal {
  index: number;
  column: 'sessionId' | 'staffNumber' | 'hours';
  rule: string;
  message: Bilingual;
}

/**
 * What the attendance importer needs of the training records (出勤): check entries without writing,
 * and record many at once. Recording an entry (session, teacher) a second time changes nothing.
 */
export interface AttendanceBook {
  check(scope: Scope, unitId: string, entries: AttendanceEntry[]): Promise<AttendanceRefusal[]>;
  record(scope: Scope, unitId: string, entries: AttendanceEntry[]): Promise<AttendanceRefusal[]>;
}
export const ATTENDANCE_BOOK = Symbol('ATTENDANCE_BOOK');

interface AttendanceRow {
  sessionId: string;
  staffNumber: string;
  hours?: number;
}

/** One row of an attendance file (text cells, coerced): the session, the teacher's staff number, the hours attended. */
export const AttendanceRowSchema = {
  type: 'object',
  required: ['sessionId', 'staffNumber'],
  properties: {
    sessionId: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' },
    staffNumber: StaffNumberSchema,
    hours: { type: 'number', exclusiveMinimum: 0, maximum: 24 },
  },
} as const;

/**
 * 出勤导入 Attendance from a CSV file: each row a school's teacher (by staff number) at a session. The
 * teachers of a batch are looked up at once (`byStaffNumbers`), an unknown staff number is that row's
 * error, and the rest go to the attendance records in one call.
 */
@Injectable()
export class AttendanceImporter implements RowImporter<AttendanceRow> {
  readonly kind = 'attendance';
  readonly columns: readonly CsvColumn[] = [
    { name: 'sessionId', aliases: ['场次', '培训场次'], required: true },
    { name: 'staffNumber', aliases: ['工号', '教工号'], required: true },
    { name: 'hours', aliases: ['学时'], required: false },
  ];
  readonly rowSchema = AttendanceRowSchema;

  constructor(
    private readonly teachers: TeachersService,
    @Inject(ATTENDANCE_BOOK) private readonly book: AttendanceBook,
  ) {}

  check(scope: Scope, unitId: string, rows: ParsedRow<AttendanceRow>[]): Promise<RowError[]> {
    return this.pass(scope, unitId, rows, (entries) => this.book.check(scope, unitId, entries));
  }

  apply(scope: Scope, unitId: string, rows: ParsedRow<AttendanceRow>[]): Promise<RowError[]> {
    return this.pass(scope, unitId, rows, (entries) => this.book.record(scope, unitId, entries));
  }

  private async pass(
    scope: Scope,
    unitId: string,
    rows: ParsedRow<AttendanceRow>[],
    write: (entries: AttendanceEntry[]) => Promise<AttendanceRefusal[]>,
  ): Promise<RowError[]> {
    const known = await this.teachers.byStaffNumbers(
      scope,
      unitId,
      rows.map((r) => r.value.staffNumber),
    );
    const errors: RowError[] = [];
    const entries: AttendanceEntry[] = [];
    const rowOf: number[] = [];
    for (const { row, value } of rows) {
      const teacher = known.get(value.staffNumber);
      if (!teacher) {
        errors.push({
          row,
          column: 'staffNumber',
          rule: 'unknown-teacher',
          value: value.staffNumber,
          message: {
            zh: `本校名册中没有工号 ${value.staffNumber}`,
            en: `no teacher with staff number ${value.staffNumber} on the school's roster`,
          },
        });
        continue;
      }
      entries.push({ sessionId: value.sessionId, teacherId: teacher.id, ...(value.hours === undefined ? {} : { hours: value.hours }) });
      rowOf.push(row);
    }
    if (entries.length > 0) {
      for (const r of await write(entries)) errors.push({ row: rowOf[r.index], column: r.column, rule: r.rule, message: r.message });
    }
    return errors;
  }
}

import { Injectable } from '@nestjs/common';
import { StaffNumberSchema } from '@pb/contracts';
import {
  FOLDED_IMPORT_BATCH_ROWS,
  isProblem,
  type CsvColumn,
  type ParsedRow,
  type RowError,
  type RowImporter,
  type Scope,
} from '@pb/platform';
import { AttendanceService, type AttendanceInput } from '../enrolments/attendance.service.js';
import { TeachersService } from '../teachers/teachers.service.js';

interface AttendanceRow {
  programmeId: string;
  sessionId: string;
  staffNumber: string;
  hours?: number;
}

const idCell = { type: 'string', minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' } as const;

/** One row of an attendance file (text cells, coerced): the programme, its session (the date), the teacher's staff number, the hours attended. */
export const AttendanceRowSchema = {
  type: 'object',
  required: ['programmeId', 'sessionId', 'staffNumber'],
  properties: {
    programmeId: idCell,
    sessionId: idCell,
    staffNumber: StaffNumberSchema,
    hours: { type: 'number', exclusiveMinimum: 0, maximum: 24 },
  },
} as const;

/** The CSV column a field of `AttendanceService.recordMany`'s row errors stands for. */
const COLUMN_OF_POINTER: Record<string, keyof AttendanceRow> = {
  '/sessionId': 'sessionId',
  '/date': 'sessionId',
  '/teacherId': 'staffNumber',
  '/staffNumber': 'staffNumber',
  '/hours': 'hours',
};

/**
 * 出勤导入 Attendance from a CSV file: each row a school's teacher (by staff number) at a session of a
 * programme. The teachers of a batch are looked up at once (`byStaffNumbers`), an unknown staff number
 * is that row's error, and the rest go to the training records (`AttendanceService.recordMany`), one
 * call per programme of the batch: sessions, enrolment and hours checked there, hours and
 * certification following. `check` is the same call as a dry run, so all-or-nothing writes nothing
 * until every row passed.
 */
@Injectable()
export class AttendanceImporter implements RowImporter<AttendanceRow> {
  readonly kind = 'attendance';
  readonly columns: readonly CsvColumn[] = [
    { name: 'programmeId', aliases: ['培训项目编号', '项目编号', '培训项目'], required: true },
    { name: 'sessionId', aliases: ['场次', '培训场次', '培训日期'], required: true },
    { name: 'staffNumber', aliases: ['工号', '教工号'], required: true },
    { name: 'hours', aliases: ['学时'], required: false },
  ];
  readonly rowSchema = AttendanceRowSchema;
  /** A teacher's rows of a programme in one batch are one enrolment write and one event: large batches, few writes. */
  readonly batchRows = FOLDED_IMPORT_BATCH_ROWS;

  constructor(
    private readonly teachers: TeachersService,
    private readonly attendance: AttendanceService,
  ) {}

  check(scope: Scope, unitId: string, rows: ParsedRow<AttendanceRow>[]): Promise<RowError[]> {
    return this.pass(scope, unitId, rows, true);
  }

  apply(scope: Scope, unitId: string, rows: ParsedRow<AttendanceRow>[]): Promise<RowError[]> {
    return this.pass(scope, unitId, rows, false);
  }

  private async pass(scope: Scope, unitId: string, rows: ParsedRow<AttendanceRow>[], dryRun: boolean): Promise<RowError[]> {
    const known = await this.teachers.byStaffNumbers(
      scope,
      unitId,
      rows.map((r) => r.value.staffNumber),
    );
    const errors: RowError[] = [];
    const byProgramme = new Map<string, { rows: ParsedRow<AttendanceRow>[]; inputs: AttendanceInput[] }>();
    for (const parsed of rows) {
      const { row, value } = parsed;
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
      const group = byProgramme.get(value.programmeId) ?? { rows: [], inputs: [] };
      group.rows.push(parsed);
      group.inputs.push({
        programmeId: value.programmeId,
        sessionId: value.sessionId,
        teacherId: teacher.id,
        ...(value.hours === undefined ? {} : { hours: value.hours }),
      });
      byProgramme.set(value.programmeId, group);
    }
    for (const [programmeId, group] of byProgramme) {
      try {
        const result = await this.attendance.recordMany(scope, programmeId, group.inputs, { dryRun });
        for (const e of result.errors) {
          const { row, value } = group.rows[e.index];
          const column = COLUMN_OF_POINTER[e.pointer] ?? null;
          const cell = column ? value[column] : undefined;
          errors.push({ row, column, rule: e.rule, message: e.message, ...(cell === undefined ? {} : { value: String(cell) }) });
        }
      } catch (err) {
        if (!isProblem(err, 'notFound')) throw err;
        for (const { row } of group.rows)
          errors.push({
            row,
            column: 'programmeId',
            rule: 'programme',
            value: programmeId,
            message: {
              zh: `没有面向本校的培训项目 ${programmeId}`,
              en: `no programme ${programmeId} open to the school`,
            },
          });
      }
    }
    return errors.sort((a, b) => a.row - b.row);
  }
}

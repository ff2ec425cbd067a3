import { Injectable } from '@nestjs/common';
import { CreateTeacherSchema, type CreateTeacherDto } from '@pb/contracts';
import { ProblemException, type CsvColumn, type ParsedRow, type RowError, type RowImporter, type Scope } from '@pb/platform';
import { TeachersService } from '../teachers/teachers.service.js';

/** `是`/`否` as spreadsheets write a yes/no column, read as the row schema's booleans. */
const YES_NO: Record<string, string> = {
  是: 'true',
  否: 'false',
  y: 'true',
  n: 'false',
  yes: 'true',
  no: 'false',
  '1': 'true',
  '0': 'false',
};

/**
 * 教师名册导入 A school's roster from a CSV file: one teacher per row, the row checked against the same
 * schema as POST .../teachers. A staff number already on the roster updates that teacher (fields that
 * differ only); a row the roster service refuses is that row's error.
 */
@Injectable()
export class TeachersImporter implements RowImporter<CreateTeacherDto> {
  readonly kind = 'teachers';
  readonly columns: readonly CsvColumn[] = [
    { name: 'name', aliases: ['姓名'], required: true },
    { name: 'staffNumber', aliases: ['工号', '教工号'], required: true },
    { name: 'subject', aliases: ['学科', '任教学科'], required: true },
    { name: 'birthYear', aliases: ['出生年份'], required: true },
    { name: 'partyMember', aliases: ['是否党员', '党员'], required: true },
    { name: 'memberId', aliases: ['党员记录'], required: false },
  ];
  readonly rowSchema = CreateTeacherSchema;

  constructor(private readonly teachers: TeachersService) {}

  prepare(cells: Record<string, string>): Record<string, string> {
    const yesNo = cells['partyMember'] && YES_NO[cells['partyMember'].toLowerCase()];
    return yesNo ? { ...cells, partyMember: yesNo } : cells;
  }

  check(): Promise<RowError[]> {
    return Promise.resolve([]);
  }

  async apply(scope: Scope, unitId: string, rows: ParsedRow<CreateTeacherDto>[]): Promise<RowError[]> {
    const known = await this.teachers.byStaffNumbers(
      scope,
      unitId,
      rows.map((r) => r.value.staffNumber),
    );
    const errors: RowError[] = [];
    for (const { row, value } of rows) {
      try {
        const current = known.get(value.staffNumber);
        if (!current) {
          known.set(value.staffNumber, await this.teachers.create(scope, unitId, value));
          continue;
        }
        const patch = Object.fromEntries(Object.entries(value).filter(([k, v]) => current[k as keyof typeof current] !== v));
        if (Object.keys(patch).length > 0) known.set(value.staffNumber, await this.teachers.update(scope, current.id, patch));
      } catch (err) {
        if (!(err instanceof ProblemException)) throw err;
        const field = err.fieldErrors[0];
        errors.push({
          row,
          column: field?.pointer.split('/')[1] ?? null,
          rule: field?.rule ?? 'rejected',
          message: field?.message ?? err.detail ?? err.title,
        });
      }
    }
    return errors;
  }
}

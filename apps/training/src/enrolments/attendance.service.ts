import { Injectable } from '@nestjs/common';
import { TrainingCertifiedV1, TrainingSessionAttendedV1 } from '@pb/contracts';
import { pendingEvent } from '@pb/messaging';
import { problem, type FieldProblem, type Scope } from '@pb/platform';
import { ProgrammesService } from '../programmes/programmes.service.js';
import { TeachersService, type TeacherView } from '../teachers/teachers.service.js';
import { hoursMet, newAttendance } from './certification.js';
import { enrolmentId, type Attended, type Enrolment } from './enrolment.schema.js';
import { certifiedByRule, EnrolmentsService, enrolmentView, recordState, type EnrolmentView } from './enrolments.service.js';

/**
 * One attendance: a teacher at a session of a programme. The session is named by its id or its date
 * (a session's id is its date, YYYY-MM-DD); the teacher by roster id, or by staff number with the
 * school (`unitId`) when a file carries staff numbers. `hours` defaults to the session's hours and may
 * not exceed them.
 */
export interface AttendanceInput {
  programmeId: string;
  sessionId?: string;
  date?: string;
  teacherId?: string;
  staffNumber?: string;
  unitId?: string;
  hours?: number;
}

/** A row the bulk variant refused: its index in the input, the field (JSON pointer into the row) and the rule. */
export interface AttendanceRowError extends FieldProblem {
  index: number;
}

export interface AttendanceBatchResult {
  /** Rows that recorded a session new to the teacher (a session recorded before counts as applied, changing nothing). */
  applied: number;
  errors: AttendanceRowError[];
}

const msg = (zh: string, en: string) => ({ zh, en });

/**
 * 参训记录 Attendance of sessions, the hours it brings and the certification that follows (认定). The
 * REST route and the CSV importer both write through here: `record` for one row (problems thrown),
 * `recordMany` for a batch (problems per row, one write per enrolment).
 */
@Injectable()
export class AttendanceService {
  constructor(
    private readonly enrolments: EnrolmentsService,
    private readonly programmes: ProgrammesService,
    private readonly teachers: TeachersService,
  ) {}

  /**
   * Records one attendance. The caller must reach the teacher's school (the school, or a bureau above
   * it: 404 otherwise) and the programme must be open to it; the teacher must be enrolled (422), the
   * session exist (422). A session recorded before changes nothing. When the hours meet the requirement
   * and the assessment is passed (or there is none), the same write certifies and publishes
   * `training.certified.v1` beside `training.session-attended.v1`.
   */
  async record(scope: Scope, input: AttendanceInput, correlationId?: string): Promise<EnrolmentView> {
    // A teacher outside the caller's scope is the one not-found problem, as everywhere.
    if (input.teacherId) await this.teachers.doc(scope, input.teacherId);
    const result = await this.recordMany(scope, input.programmeId, [input], correlationId);
    const error = result.errors[0];
    if (error) throw problem.ruleViolation(error.message, [{ pointer: error.pointer, rule: error.rule, message: error.message }]);
    const teacherId = (await this.teacherIdsOf(scope, [input])).get(0)!;
    return enrolmentView(await this.enrolments.of(scope, input.programmeId, teacherId));
  }

  /**
   * Records a batch of attendance rows of one programme (the importer's variant): rows are checked
   * (session, teacher, enrolment, hours) and those that pass are grouped by enrolment, one
   * compare-and-set write per enrolment with one `training.session-attended.v1` event naming every
   * session it added. Invalid rows are returned with their index, field and rule, in Chinese and
   * English; valid rows are applied either way (the importer decides all-or-nothing before calling).
   * Idempotent: the same rows again add nothing. The caller's scope applies to every row.
   */
  async recordMany(
    scope: Scope,
    programmeId: string,
    rows: readonly AttendanceInput[],
    correlationId?: string,
  ): Promise<AttendanceBatchResult> {
    const programme = await this.programmes.open(scope, programmeId);
    const sessions = new Map(programme.sessions.map((s) => [s.id, s]));
    const errors: AttendanceRowError[] = [];
    const teacherIds = await this.teacherIdsOf(scope, rows);
    const byEnrolment = new Map<string, { rows: number[]; attended: Attended[] }>();
    rows.forEach((row, index) => {
      const fail = (pointer: string, rule: string, message: { zh: string; en: string }) => errors.push({ index, pointer, rule, message });
      const sessionId = row.sessionId ?? row.date;
      const session = sessionId === undefined ? undefined : sessions.get(sessionId);
      if (!session)
        return fail(
          row.sessionId ? '/sessionId' : '/date',
          'session',
          msg(`培训项目没有 ${sessionId ?? '?'} 的课次`, `No session ${sessionId ?? '?'} in the programme`),
        );
      const teacherId = teacherIds.get(index);
      if (!teacherId)
        return fail(row.teacherId ? '/teacherId' : '/staffNumber', 'teacher', msg('找不到该教师', 'No such teacher in your scope'));
      const hours = row.hours ?? session.hours;
      if (!(hours > 0) || hours > session.hours)
        return fail(
          '/hours',
          'session-hours',
          msg(`学时应在 0 到 ${session.hours} 之间`, `hours must be above 0 and at most ${session.hours}`),
        );
      const id = enrolmentId(programme._id, teacherId);
      const group = byEnrolment.get(id) ?? { rows: [], attended: [] };
      group.rows.push(index);
      group.attended.push({ sessionId: session.id, hours });
      byEnrolment.set(id, group);
    });
    let applied = 0;
    for (const [id, group] of byEnrolment) {
      try {
        await this.enrolments.apply(scope, id, (current) => this.attend(current, group.attended, scope.accountId, correlationId));
        applied += group.rows.length;
      } catch (err) {
        const notEnrolled = (err as { getStatus?: () => number }).getStatus?.() === 404;
        if (!notEnrolled) throw err;
        for (const index of group.rows)
          errors.push({
            index,
            pointer: rows[index].teacherId ? '/teacherId' : '/staffNumber',
            rule: 'enrolled',
            message: msg('该教师未报名此培训项目', 'The teacher is not enrolled in this programme'),
          });
      }
    }
    errors.sort((a, b) => a.index - b.index);
    return { applied, errors };
  }

  /** The change attendance makes: the new sessions, their hours, completion and certification by the rule. */
  private attend(current: Enrolment, rows: Attended[], actor: string, correlationId?: string) {
    const { added, hoursAdded } = newAttendance(current.attended, rows);
    if (added.length === 0) return null;
    const hours = current.hours + hoursAdded;
    const completed = hoursMet({ hours, requiredHours: current.requiredHours });
    const certified = certifiedByRule(current, { ...current, hours }, actor);
    const ev = this.enrolments;
    return {
      set: { attended: [...current.attended, ...added], hours, completed, ...certified },
      events: (n: Enrolment) => [
        pendingEvent(
          TrainingSessionAttendedV1,
          ev.envelope(
            n,
            {
              ...recordState(n),
              sessionIds: added.map((a) => a.sessionId),
              hoursAdded,
              completed,
              completedNow: completed && !current.completed,
            },
            correlationId,
          ),
        ),
        ...(certified
          ? [pendingEvent(TrainingCertifiedV1, ev.envelope(n, { ...recordState(n), certified: true, byException: false }, correlationId))]
          : []),
      ],
    };
  }

  /** Row index -> teacher id: given, or looked up by staff number at the row's school (one read per school). */
  private async teacherIdsOf(scope: Scope, rows: readonly AttendanceInput[]): Promise<Map<number, string>> {
    const out = new Map<number, string>();
    const bySchool = new Map<string, number[]>();
    rows.forEach((row, i) => {
      if (row.teacherId) out.set(i, row.teacherId);
      else if (row.staffNumber && row.unitId) bySchool.set(row.unitId, [...(bySchool.get(row.unitId) ?? []), i]);
    });
    for (const [unitId, indexes] of bySchool) {
      const found = await this.teachers
        .byStaffNumbers(
          scope,
          unitId,
          indexes.map((i) => rows[i].staffNumber!),
        )
        .catch(() => new Map<string, TeacherView>());
      for (const i of indexes) {
        const t = found.get(rows[i].staffNumber!);
        if (t) out.set(i, t.id);
      }
    }
    return out;
  }
}

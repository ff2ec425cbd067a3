import { randomUUID } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { CreateTeacherDto, UpdateTeacherDto } from '@pb/contracts';
import { OutboxRelay } from '@pb/messaging';
import { insertOrFail } from '@pb/persistence';
import {
  auditWriteEvent,
  checkIfMatch,
  InjectScopedModel,
  OrgUnitDirectory,
  paginate,
  problem,
  Scope,
  staleWrite,
  type Page,
  type ScopedModel,
} from '@pb/platform';
import { TEACHER_MODEL, type Teacher } from './teacher.schema.js';

/** A teacher as the API answers it (personal data: the school and the bureaus above it only). */
export interface TeacherView {
  id: string;
  unitId: string;
  name: string;
  staffNumber: string;
  subject: string;
  birthYear: number;
  partyMember: boolean;
  memberId: string | null;
  version: number;
}

export function teacherView(t: Teacher): TeacherView {
  return {
    id: t._id,
    unitId: t.unitId,
    name: t.name,
    staffNumber: t.staffNumber,
    subject: t.subject,
    birthYear: t.birthYear,
    partyMember: t.partyMember,
    memberId: t.memberId ?? null,
    version: t.version,
  };
}

const STAFF_NUMBER_TAKEN = () =>
  problem.duplicate({ zh: '本校已有此工号的教师', en: 'A teacher of this school has this staff number' }, [
    {
      pointer: '/staffNumber',
      rule: 'unique-in-school',
      message: { zh: '工号在校内必须唯一', en: 'staff number must be unique in the school' },
    },
  ]);

/** Teachers are kept at schools and units, not at bureaus. */
const BUREAU_KINDS = new Set(['city-bureau', 'county-bureau']);

/**
 * 教师名册 The teacher rosters of the schools. Every read and write takes the caller's `Scope`: a teacher
 * outside the caller's subtree is the one not-found problem (404). Used by the training features
 * (enrolment, attendance, certification) and the importer (`byStaffNumbers`).
 */
@Injectable()
export class TeachersService implements OnModuleInit {
  constructor(
    @InjectScopedModel(TEACHER_MODEL) private readonly teachers: ScopedModel<Teacher>,
    private readonly tree: OrgUnitDirectory,
    private readonly relay: OutboxRelay,
  ) {}

  onModuleInit() {
    this.relay.register(this.teachers.unscoped(Scope.system('outbox relay')));
  }

  /** One teacher in the caller's subtree, else 404. */
  async get(scope: Scope, teacherId: string): Promise<TeacherView> {
    return teacherView(await this.teachers.get(scope, teacherId));
  }

  /** The stored document (for the training features that need the school), 404 outside the scope. */
  doc(scope: Scope, teacherId: string): Promise<Teacher> {
    return this.teachers.get(scope, teacherId);
  }

  /** The school's unit, checked against the scope (404 outside or unknown), and not a bureau (422). */
  private async school(scope: Scope, unitId: string): Promise<string> {
    const id = await scope.unit(unitId, this.tree.pathOf);
    const unit = await this.tree.get(id);
    if (!unit || BUREAU_KINDS.has(unit.kind)) {
      throw problem.ruleViolation(
        { zh: '教师名册属于学校或单位，不属于教育局', en: 'Rosters belong to schools and units, not to bureaus' },
        [{ pointer: '/id', rule: 'school-not-bureau', message: { zh: '请指定学校', en: 'name a school' } }],
      );
    }
    return id;
  }

  async create(scope: Scope, unitId: string, input: CreateTeacherDto, correlationId?: string): Promise<TeacherView> {
    const school = await this.school(scope, unitId);
    const now = new Date();
    const doc: Teacher = {
      _id: randomUUID(),
      unitId: school,
      name: input.name,
      staffNumber: input.staffNumber,
      subject: input.subject,
      birthYear: input.birthYear,
      partyMember: input.partyMember,
      memberId: input.memberId ?? null,
      version: 1,
      createdAt: now,
      createdBy: scope.accountId,
      updatedAt: now,
      outbox: [],
    };
    doc.outbox = [this.audit(scope, 'created', null, doc, correlationId)];
    // The school was checked against the caller's scope above.
    await insertOrFail(
      () => this.teachers.unscoped(Scope.system('teachers: insert into a checked school')).create(doc),
      STAFF_NUMBER_TAKEN,
    );
    this.relay.nudge();
    return teacherView(doc);
  }

  /** A page of a school's roster (the school in the caller's subtree, else 404). */
  async list(scope: Scope, unitId: string, query: { limit?: number; cursor?: string }): Promise<Page<TeacherView>> {
    const school = await scope.unit(unitId, this.tree.pathOf);
    const page = await paginate<Teacher>(
      query,
      `/api/v1/training/schools/${school}/teachers`,
      (t) => t._id,
      (after, take) =>
        this.teachers
          .find(scope, { unitId: school, ...(after ? { _id: { $gt: after } } : {}) }, { outbox: 0 })
          .sort({ _id: 1 })
          .limit(take)
          .lean<Teacher[]>(),
    );
    return { ...page, items: page.items.map(teacherView) };
  }

  /** Changes a teacher (If-Match honoured: 412 when stale); a staff number taken in the school is 409. */
  async update(scope: Scope, teacherId: string, patch: UpdateTeacherDto, ifMatch?: string, correlationId?: string): Promise<TeacherView> {
    const current = await this.teachers.get(scope, teacherId);
    checkIfMatch(ifMatch, current.version);
    const now = new Date();
    const next: Teacher = {
      ...current,
      ...patch,
      memberId: patch.memberId === undefined ? current.memberId : patch.memberId,
      version: current.version + 1,
      updatedAt: now,
    };
    let matched = 0;
    // A staff number taken in the school fails the write on the unique index: 409.
    await insertOrFail(async () => {
      const res = await this.teachers.updateOne(
        scope,
        { _id: teacherId, unitId: current.unitId, version: current.version },
        {
          $set: { ...patch, version: next.version, updatedAt: now },
          $push: { outbox: this.audit(scope, 'updated', current, next, correlationId) },
        },
      );
      matched = res.matchedCount;
    }, STAFF_NUMBER_TAKEN);
    if (matched === 0) throw staleWrite((await this.teachers.lookup(scope, teacherId))?.version ?? current.version);
    this.relay.nudge();
    return teacherView(next);
  }

  /**
   * The teachers of one school by staff number (for the importer: one read for a batch of rows). The
   * school is checked against the scope (404 outside); unknown numbers are absent from the map.
   */
  async byStaffNumbers(scope: Scope, unitId: string, staffNumbers: readonly string[]): Promise<Map<string, TeacherView>> {
    const school = await scope.unit(unitId, this.tree.pathOf);
    const docs = await this.teachers
      .find(scope, { unitId: school, staffNumber: { $in: [...new Set(staffNumbers)] } }, { outbox: 0 })
      .lean<Teacher[]>();
    return new Map(docs.map((t) => [t.staffNumber, teacherView(t)]));
  }

  private audit(scope: Scope, verb: string, before: Teacher | null, after: Teacher, correlationId?: string) {
    return auditWriteEvent({
      service: 'training',
      actor: scope.actor,
      action: `teacher.${verb}`,
      resourceType: 'teacher',
      resourceId: after._id,
      unitId: after.unitId,
      // auditWriteEvent masks the birth year itself (ARCHITECTURE.md §7, docs/adr/0025).
      before,
      after,
      ...(correlationId ? { correlationId } : {}),
    });
  }
}

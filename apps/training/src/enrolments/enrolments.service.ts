import { Injectable, type OnModuleInit } from '@nestjs/common';
import {
  TrainingAssessedV1,
  TrainingCertifiedV1,
  TrainingEnrolledV1,
  type CertifyByExceptionDto,
  type EventData,
  type RecordAssessmentDto,
} from '@pb/contracts';
import { OutboxBatches, OutboxRelay, pendingEvent, type OutboxEvent } from '@pb/messaging';
import { ID_LIST, insertOrFail, WRITES_PER_COMMAND } from '@pb/persistence';
import {
  auditWriteEvent,
  InjectScopedModel,
  isProblem,
  OrgUnitDirectory,
  paginate,
  problem,
  Scope,
  type Page,
  type ScopedModel,
} from '@pb/platform';
import { ProgrammesService } from '../programmes/programmes.service.js';
import { TeachersService } from '../teachers/teachers.service.js';
import { meetsCertification } from './certification.js';
import { ENROLMENT_MODEL, enrolmentId, type Certification, type Enrolment } from './enrolment.schema.js';

export type EnrolmentView = Omit<
  Enrolment,
  '_id' | 'outbox' | 'outboxBatches' | 'attended' | 'unitPath' | 'organiserId' | 'assessmentMethod' | 'enrolledBy'
> & {
  id: string;
  sessionIds: string[];
};

export function enrolmentView(e: Enrolment): EnrolmentView {
  const { _id, outbox: _o, outboxBatches: _ob, attended, unitPath: _p, organiserId: _g, assessmentMethod: _m, enrolledBy: _b, ...rest } = e;
  return { id: _id, ...rest, sessionIds: attended.map((a) => a.sessionId) };
}

/** What one write does to an enrolment: the fields it sets and the events it publishes, or nothing. */
export type EnrolmentChange = (e: Enrolment) => { set: Partial<Enrolment>; events: (next: Enrolment) => OutboxEvent[] } | null;

/** The organiser and the bureaus above it read every school's enrolments of their programme. */
const ORGANISER_VIEW = Scope.system("enrolments: the organiser's view of its programme");
const NOT_ENROLLED = (pointer: string) =>
  problem.ruleViolation({ zh: '该教师未报名此培训项目', en: 'The teacher is not enrolled in this programme' }, [
    { pointer, rule: 'enrolled', message: { zh: '请先报名', en: 'enrol the teacher first' } },
  ]);
const CHANGED_TOO_OFTEN = () =>
  problem.conflict({ zh: '报名记录正被同时修改，请重试', en: 'The enrolment is being changed concurrently; retry' });
/** A batch reads enrolments by id, then checks each one's school against the caller's scope. */
const BATCH_BY_ID = Scope.system("attendance batch: enrolments read by id, each one's school then checked against the caller's scope");
/** Compare-and-set attempts of one change before the caller is told to retry. */
const ATTEMPTS = 8;

/** The state part of every training record event: ids, year and hours, never personal data. */
export function recordState(e: Enrolment): EventData<typeof TrainingEnrolledV1> {
  return {
    enrolmentId: e._id,
    programmeId: e.programmeId,
    organiserId: e.organiserId,
    unitId: e.unitId,
    unitPath: e.unitPath,
    teacherId: e.teacherId,
    year: e.year,
    requiredHours: e.requiredHours,
    hours: e.hours,
    version: e.version,
  };
}

/** The certification by the rule that a change brings, when it brings one: its fields and its event. */
export function certifiedByRule(before: Enrolment, after: Omit<Enrolment, 'certification' | 'certified'>, actor: string) {
  if (before.certified || !meetsCertification(after)) return null;
  const certification: Certification = { by: 'rule', reason: null, at: new Date(), actor };
  return { certified: true, certification };
}

/**
 * 报名、考核与认定 Enrolments of teachers in programmes, their assessment and certification. Every change
 * of an enrolment is one compare-and-set write on its version that carries its events (outbox), so
 * the state and what it publishes cannot part, and certification is decided in the write that brings
 * the hours or the pass.
 */
@Injectable()
export class EnrolmentsService implements OnModuleInit {
  constructor(
    @InjectScopedModel(ENROLMENT_MODEL) private readonly enrolments: ScopedModel<Enrolment>,
    private readonly programmes: ProgrammesService,
    private readonly teachers: TeachersService,
    private readonly tree: OrgUnitDirectory,
    private readonly relay: OutboxRelay,
    private readonly batches: OutboxBatches,
  ) {}

  onModuleInit() {
    const model = this.enrolments.unscoped(Scope.system('outbox relay'));
    this.relay.register(model);
    this.batches.register(model);
  }

  /**
   * Enrols a teacher the caller reaches (its school or a bureau above) in a programme open to the
   * teacher's school: 422 when the school lies outside the organiser's subtree, 409 when the programme
   * is full (rule `capacity`) or the teacher is enrolled already (rule `unique`).
   */
  async enrol(scope: Scope, programmeId: string, teacherId: string, correlationId?: string): Promise<EnrolmentView> {
    const programme = await this.programmes.open(scope, programmeId);
    const teacher = await this.teachers.doc(scope, teacherId);
    const unitPath = (await this.tree.pathOf(teacher.unitId)) ?? [];
    if (!unitPath.includes(programme.organiserId)) {
      throw problem.ruleViolation(
        { zh: '该教师所在学校不在培训项目的组织范围内', en: "The teacher's school is outside the programme's organiser" },
        [
          {
            pointer: '/teacherId',
            rule: 'open-to-subtree',
            message: { zh: '项目只面向组织单位的下属学校', en: "a programme is open to its organiser's subtree only" },
          },
        ],
      );
    }
    const id = enrolmentId(programme._id, teacher._id);
    const taken = () =>
      problem.duplicate({ zh: '该教师已报名', en: 'The teacher is enrolled already' }, [
        { pointer: '/teacherId', rule: 'unique', message: { zh: '每位教师报名一次', en: 'a teacher enrols once' } },
      ]);
    if (await this.enrolments.reaches(scope, id)) throw taken();
    await this.programmes.takePlace(programme);
    const doc: Enrolment = {
      _id: id,
      programmeId: programme._id,
      teacherId: teacher._id,
      unitId: teacher.unitId,
      unitPath: [...unitPath],
      organiserId: programme.organiserId,
      year: programme.year,
      requiredHours: programme.requiredHours,
      assessmentMethod: programme.assessment,
      attended: [],
      hours: 0,
      assessment: null,
      completed: false,
      certified: false,
      certification: null,
      version: 1,
      enrolledAt: new Date(),
      enrolledBy: scope.accountId,
      outbox: [],
    };
    doc.outbox = await this.relay.sequence(pendingEvent(TrainingEnrolledV1, this.envelope(doc, recordState(doc), correlationId)));
    try {
      // The teacher (so its school) was checked against the caller's scope above.
      await insertOrFail(() => this.enrolments.unscoped(Scope.system('enrolments: insert for a checked teacher')).create(doc), taken);
    } catch (err) {
      if (isProblem(err, 'duplicate')) await this.programmes.givePlaceBack(programme);
      throw err;
    }
    this.relay.nudge();
    return enrolmentView(doc);
  }

  /** A programme's enrolments the caller may see: all for the organiser and above, else its subtree's schools'. */
  async list(scope: Scope, programmeId: string, query: { limit?: number; cursor?: string }): Promise<Page<EnrolmentView>> {
    const programme = await this.programmes.open(scope, programmeId);
    const units = scope.reaches(programme.organiserPath) ? undefined : await this.tree.subtreeFor(scope);
    const page = await paginate<Enrolment>(
      query,
      `/api/v1/training/programmes/${programmeId}/enrolments`,
      (e) => e._id,
      (after, take) => {
        const filter = { programmeId, ...(after ? { _id: { $gt: after } } : {}) };
        // The organiser and the bureaus above it see every school's enrolments; others their subtree's (checked by `subtreeFor`).
        if (units)
          return this.enrolments
            .find(scope, { ...filter, unitId: { $in: units } }, { outbox: 0 })
            .sort({ _id: 1 })
            .limit(take)
            .lean<Enrolment[]>();
        return this.enrolments.unscoped(ORGANISER_VIEW).find(filter, { outbox: 0 }).sort({ _id: 1 }).limit(take).lean<Enrolment[]>();
      },
    );
    return { ...page, items: page.items.map(enrolmentView) };
  }

  /** The enrolment of a teacher in a programme, in the caller's scope; 422 naming `pointer` when there is none. */
  async of(scope: Scope, programmeId: string, teacherId: string, pointer = '/teacherId'): Promise<Enrolment> {
    await this.teachers.doc(scope, teacherId);
    const e = await this.enrolments.lookup(scope, enrolmentId(programmeId, teacherId));
    if (!e) throw NOT_ENROLLED(pointer);
    return e;
  }

  /**
   * Applies `change` to one enrolment as a compare-and-set on its version, with the events the change
   * makes, retried on a concurrent write. Returns the enrolment after it (unchanged when `change` makes
   * nothing). The scope must reach the enrolment's school.
   */
  async apply(scope: Scope, id: string, change: EnrolmentChange): Promise<Enrolment> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const current = await this.enrolments.get(scope, id);
      const made = change(current);
      if (!made) return current;
      const next: Enrolment = { ...current, ...made.set, version: current.version + 1 };
      const events = await this.relay.sequence(...made.events(next));
      const res = await this.enrolments.updateOne(
        scope,
        { _id: id, unitId: current.unitId, version: current.version },
        { $set: { ...made.set, version: next.version }, $push: { outbox: { $each: events } } },
      );
      if (res.matchedCount === 1) {
        this.relay.nudge();
        return next;
      }
    }
    throw CHANGED_TOO_OFTEN();
  }

  /**
   * Applies one change to each of many enrolments (the importer's batches): the enrolments read by id
   * a thousand at a time, each one's school checked against the caller's scope, then per thousand one
   * staged outbox batch (`OutboxBatches`, docs/adr/0020): the events of all the writes given their
   * places and staged in one document, the writes sent as compare-and-set statements in bulk, each
   * marking the enrolment with the batch and carrying no events, and the batch committed with the
   * events of the writes that landed. Each enrolment is written once; the relay publishes the batch's
   * events and deletes its document. A single write is `apply`'s (its events in its own outbox). An enrolment changed meanwhile is done again alone (`apply`, its
   * events in its own outbox), so a change must find nothing to do on an enrolment that has it already
   * (attendance does: a session is recorded once). A process that stops before the commit leaves the
   * batch staged: the relay's holder recovers it, publishing the events of exactly the writes that
   * landed. Returns the ids that are missing or outside the scope (the two are not told apart).
   */
  async applyMany(scope: Scope, changes: ReadonlyMap<string, EnrolmentChange>): Promise<Set<string>> {
    const missing = new Set<string>();
    const ids = [...changes.keys()];
    // Each enrolment's school is checked against the caller's scope below.
    const model = this.enrolments.unscoped(BATCH_BY_ID);
    for (let i = 0; i < ids.length; i += ID_LIST) {
      const chunk = ids.slice(i, i + ID_LIST);
      const found = await model.find({ _id: { $in: chunk } }, { outbox: 0 }).lean<Enrolment[]>();
      const byId = new Map(found.map((e) => [e._id, e]));
      const planned: { current: Enrolment; set: Partial<Enrolment>; events: OutboxEvent[] }[] = [];
      const reachable = new Map<string, boolean>();
      for (const id of chunk) {
        const current = byId.get(id);
        if (current && !reachable.has(current.unitId)) {
          reachable.set(
            current.unitId,
            await scope.unit(current.unitId, this.tree.pathOf).then(
              () => true,
              () => false,
            ),
          );
        }
        if (!current || !reachable.get(current.unitId)) {
          missing.add(id);
          continue;
        }
        const made = changes.get(id)!(current);
        if (made) planned.push({ current, set: made.set, events: made.events({ ...current, ...made.set, version: current.version + 1 }) });
      }
      if (planned.length === 0) continue;
      // One write (a row sent on its own: the REST route) keeps its events in its own outbox: a batch
      // document would cost two more writes than the relay's removal of them saves.
      if (planned.length === 1) {
        await this.apply(scope, planned[0].current._id, changes.get(planned[0].current._id)!);
        continue;
      }
      const batch = await this.batches.stage(
        model,
        planned.map((p) => ({ id: p.current._id, events: p.events })),
      );
      const stillStaged = await batch.stillStaged(planned.map((p) => p.current));
      const writes = planned.map(({ current, set }) => ({
        updateOne: {
          filter: { _id: current._id, version: current.version, ...batch.guard() },
          update: { $set: { ...set, version: current.version + 1, ...batch.marks(current, stillStaged) } },
        },
      }));
      const landed = new Set<string>();
      const alone: string[] = [];
      for (let w = 0; w < writes.length; w += WRITES_PER_COMMAND) {
        const slice = planned.slice(w, w + WRITES_PER_COMMAND).map((p) => p.current._id);
        const res = await model.bulkWrite(writes.slice(w, w + WRITES_PER_COMMAND), { ordered: false });
        // An enrolment changed since it was read: its statement matched nothing. The command's count does
        // not say which: the batch's mark does. The others are done again alone after the commit.
        const hit = res.matchedCount === slice.length ? new Set(slice) : await batch.landedOn(slice);
        for (const id of slice) {
          if (hit.has(id)) landed.add(id);
          else alone.push(id);
        }
      }
      await batch.commit(landed);
      this.relay.nudge();
      for (const id of alone) await this.apply(scope, id, changes.get(id)!);
    }
    return missing;
  }

  /** Records an assessment result (the organiser or a bureau above it); a pass with the hours met certifies. */
  async assess(scope: Scope, programmeId: string, input: RecordAssessmentDto, correlationId?: string): Promise<EnrolmentView> {
    const programme = await this.programmes.managed(scope, programmeId);
    if (programme.assessment === 'none') {
      throw problem.ruleViolation({ zh: '该培训项目不考核', en: 'This programme has no assessment' }, [
        { pointer: '/result', rule: 'assessed-programme', message: { zh: '考核方式为“不考核”', en: 'the assessment method is none' } },
      ]);
    }
    const e = await this.of(scope, programmeId, input.teacherId);
    const next = await this.apply(scope, e._id, (current) => {
      if (current.assessment === input.result) return null;
      const after = { ...current, assessment: input.result };
      const certified = certifiedByRule(current, after, scope.accountId);
      return {
        set: { assessment: input.result, ...certified },
        events: (n) => [
          pendingEvent(TrainingAssessedV1, this.envelope(n, { ...recordState(n), result: input.result }, correlationId)),
          ...(certified
            ? [
                pendingEvent(
                  TrainingCertifiedV1,
                  this.envelope(n, { ...recordState(n), certified: true, byException: false }, correlationId),
                ),
              ]
            : []),
        ],
      };
    });
    return enrolmentView(next);
  }

  /** 特批认定 A bureau above the teacher's school certifies by exception, with a reason; the write is audited. */
  async certifyByException(
    scope: Scope,
    programmeId: string,
    input: CertifyByExceptionDto,
    correlationId?: string,
  ): Promise<EnrolmentView> {
    await this.programmes.open(scope, programmeId);
    const e = await this.of(scope, programmeId, input.teacherId);
    if (e.unitId === scope.orgUnitId) {
      throw problem.forbidden({
        zh: '特批认定须由学校的上级教育局作出',
        en: "Certification by exception is for the bureaus above the teacher's school",
      });
    }
    const next = await this.apply(scope, e._id, (current) => {
      if (current.certified) {
        throw problem.conflict({ zh: '该教师已认定', en: 'The teacher is certified already' }, [
          { pointer: '/teacherId', rule: 'not-certified', message: { zh: '已认定', en: 'certified already' } },
        ]);
      }
      const certification: Certification = { by: 'exception', reason: input.reason, at: new Date(), actor: scope.accountId };
      return {
        set: { certified: true, certification },
        events: (n) => [
          pendingEvent(TrainingCertifiedV1, this.envelope(n, { ...recordState(n), certified: true, byException: true }, correlationId)),
          auditWriteEvent({
            service: 'training',
            actor: scope.actor,
            action: 'enrolment.certified-by-exception',
            resourceType: 'enrolment',
            resourceId: n._id,
            unitId: n.unitId,
            before: { certified: false, hours: current.hours, requiredHours: current.requiredHours, assessment: current.assessment },
            after: { certified: true, certification },
            ...(correlationId ? { correlationId } : {}),
          }),
        ],
      };
    });
    return enrolmentView(next);
  }

  /** The envelope of a training record event of an enrolment: keyed by its school (`pendingEvent(contract, envelope(...))`). */
  envelope<D>(e: Enrolment, data: D, correlationId?: string) {
    return { key: e.unitId, subject: `enrolments/${e._id}`, data, ...(correlationId ? { correlationId } : {}) };
  }
}

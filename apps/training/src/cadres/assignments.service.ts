import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { CreateSecondmentDto, CreateTeachingSupportDto, EndAssignmentDto } from '@pb/contracts';
import { OutboxRelay, type OutboxEvent } from '@pb/messaging';
import { insertOrFail, Leases } from '@pb/persistence';
import {
  checkIfMatch,
  Clock,
  InjectScopedModel,
  OrgUnitDirectory,
  problem,
  Scope,
  type Bilingual,
  type FieldProblem,
  type OrgUnitView,
  type Page,
  type ScopedModel,
} from '@pb/platform';
import { assignmentAudit, assignmentEvent, assignmentView, type AssignmentView } from './assignment-events.js';
import { CadrePeople } from './cadre-people.js';
import { ASSIGNMENT_MODEL, type Assignment, type AssignmentKind, type AssignmentType } from './cadre.schemas.js';
import { CADRE_SETTINGS, type CadreSettings } from './cadres.config.js';
import { cityToday } from './city-dates.js';

const SYSTEM = Scope.system("assignments: a teacher's assignments wherever their home unit lies (overlap check)");
const BUREAU_KINDS = new Set(['city-bureau', 'county-bureau']);
const TYPE_NAME: Record<AssignmentType, Bilingual> = {
  secondment: { zh: '挂职', en: 'secondment' },
  'teaching-support': { zh: '支教', en: 'teaching support' },
};

const fieldProblem = (pointer: string, rule: string, message: Bilingual): FieldProblem => ({ pointer, rule, message });
const ruleBroken = (detail: Bilingual, ...errors: FieldProblem[]) => problem.ruleViolation(detail, errors);

/** The lease that serialises every write to one person's assignments (the overlap check and its insert). */
export const personLease = (teacherId: string) => `cadre-assignments:${teacherId}`;

/** When a teacher is away: the days an assignment occupies (to its early end, if it ended early). */
const occupiedUntil = (a: Assignment) => a.endedOn ?? a.endsOn;

/**
 * 挂职与支教 Secondments and teaching-support terms. One person has at most one assignment on any day:
 * the overlap check and the insert run under the person's lease, across replicas. An assignment
 * starts on its start date (at once when created on or after it) and ends when its end date has
 * passed (AssignmentRunner), or earlier when its home unit ends it with the evaluation.
 */
@Injectable()
export class AssignmentsService {
  constructor(
    @InjectScopedModel(ASSIGNMENT_MODEL) private readonly assignments: ScopedModel<Assignment>,
    @Inject(CADRE_SETTINGS) private readonly settings: CadreSettings,
    private readonly people: CadrePeople,
    private readonly units: OrgUnitDirectory,
    private readonly leases: Leases,
    private readonly relay: OutboxRelay,
    private readonly clock: Clock,
  ) {}

  /** The model with its outbox, for the relay and the runner. */
  model(system: ReturnType<typeof Scope.system>) {
    return this.assignments.unscoped(system);
  }

  today(): string {
    return cityToday(this.clock.now(), this.settings.timeZone);
  }

  async get(id: string, type: AssignmentType, scope: Scope): Promise<AssignmentView> {
    const a = await this.assignments.get(scope, id);
    if (a.assignmentType !== type) throw problem.notFound({ zh: '找不到挂职或支教记录', en: 'Assignment not found' });
    return assignmentView(a);
  }

  /** The assignments of a subtree's units (home units), a page at a time, by id. */
  list(
    scope: Scope,
    query: { unit?: string; status?: string; type?: string; limit?: number; cursor?: string },
  ): Promise<Page<AssignmentView>> {
    const filter: Record<string, string> = {};
    if (query.status) filter['status'] = query.status;
    if (query.type) filter['assignmentType'] = query.type;
    return this.units
      .subtreePage(scope, this.assignments, query, {
        path: '/api/v1/cadres/assignments',
        unitField: 'homeUnitId',
        order: { field: '_id' },
        filter,
        projection: { outbox: 0 },
      })
      .then((page) => ({ ...page, items: page.items.map(assignmentView) }));
  }

  async createSecondment(input: CreateSecondmentDto, scope: Scope, correlationId?: string): Promise<AssignmentView> {
    const kind = input.kind;
    let host: Pick<Assignment, 'hostUnitId' | 'hostUnitPath' | 'hostName' | 'hostProvince'>;
    if (kind === 'other-province') {
      const missing = (['hostName', 'hostProvince'] as const).filter((f) => !input[f]);
      const errors = missing.map((f) =>
        fieldProblem(`/${f}`, 'required-for-other-province', {
          zh: '外省定点挂职须填写接收单位及省份',
          en: 'required for a secondment to another province',
        }),
      );
      if (input.hostUnitId) {
        errors.push(
          fieldProblem('/hostUnitId', 'not-for-other-province', {
            zh: '外省接收单位不在本市组织树中',
            en: 'a host in another province is not a unit of the city',
          }),
        );
      }
      if (errors.length > 0)
        throw ruleBroken(
          { zh: '外省定点挂职的接收单位不符合规则', en: 'The host of a secondment to another province breaks a rule' },
          ...errors,
        );
      host = { hostUnitId: null, hostUnitPath: null, hostName: input.hostName!, hostProvince: input.hostProvince! };
    } else {
      const errors: FieldProblem[] = [];
      for (const f of ['hostName', 'hostProvince'] as const) {
        if (input[f])
          errors.push(
            fieldProblem(`/${f}`, 'only-for-other-province', { zh: '仅外省定点挂职填写', en: 'only for a secondment to another province' }),
          );
      }
      if (!input.hostUnitId) errors.push(fieldProblem('/hostUnitId', 'required', { zh: '请填写接收单位', en: 'name the host unit' }));
      if (errors.length > 0) throw ruleBroken({ zh: '接收单位不符合规则', en: 'The host breaks a rule' }, ...errors);
      host = { hostUnitId: input.hostUnitId!, hostUnitPath: null, hostName: null, hostProvince: null };
    }
    return this.create('secondment', kind, input, host, null, scope, correlationId);
  }

  createTeachingSupport(input: CreateTeachingSupportDto, scope: Scope, correlationId?: string): Promise<AssignmentView> {
    const host = { hostUnitId: input.hostUnitId, hostUnitPath: null, hostName: null, hostProvince: null };
    return this.create('teaching-support', 'teaching-support', input, host, input.term, scope, correlationId);
  }

  private async create(
    type: AssignmentType,
    kind: AssignmentKind,
    input: { id?: string; teacherId: string; startsOn: string; endsOn: string },
    host: Pick<Assignment, 'hostUnitId' | 'hostUnitPath' | 'hostName' | 'hostProvince'>,
    term: string | null,
    scope: Scope,
    correlationId?: string,
  ): Promise<AssignmentView> {
    const teacher = await this.people.get(scope, input.teacherId);
    const home = await this.units.get(teacher.unitId);
    if (!home) throw problem.notFound({ zh: '找不到教师所在单位', en: "The teacher's unit is not known" });
    const today = this.today();
    if (input.endsOn < input.startsOn) {
      throw ruleBroken(
        { zh: '结束日期早于开始日期', en: 'The end date is before the start date' },
        fieldProblem('/endsOn', 'not-before-start', { zh: `应不早于 ${input.startsOn}`, en: `must be on or after ${input.startsOn}` }),
      );
    }
    if (input.endsOn < today) {
      throw ruleBroken(
        { zh: '结束日期已过', en: 'The end date has passed' },
        fieldProblem('/endsOn', 'not-past', { zh: `应不早于今天（${today}）`, en: `must be today (${today}) or later` }),
      );
    }
    const hostUnit = host.hostUnitId ? await this.hostUnit(host.hostUnitId, kind, home) : null;
    const started = input.startsOn <= today;
    const a: Assignment = {
      _id: input.id ?? randomUUID(),
      assignmentType: type,
      kind,
      teacherId: teacher.id,
      homeUnitId: home._id,
      homeUnitPath: home.path,
      ...host,
      hostUnitPath: hostUnit?.path ?? null,
      term,
      startsOn: input.startsOn,
      endsOn: input.endsOn,
      status: started ? 'active' : 'planned',
      endedOn: null,
      evaluation: null,
      remindedAt: null,
      version: 1,
      outbox: [],
    };
    return this.leases.withLease(personLease(teacher.id), async () => {
      await this.refuseOverlap(a);
      const events: OutboxEvent[] = [assignmentAudit('created', null, a, scope, correlationId)];
      if (started) events.unshift(assignmentEvent('started', a, correlationId));
      a.outbox = await this.relay.sequence(...events);
      // The home unit is the teacher's, which the roster checked against the caller's scope.
      await insertOrFail(
        () => this.assignments.unscoped(Scope.system('assignments: insert one of a checked teacher')).create(a),
        () => problem.duplicate({ zh: '该标识的记录已存在', en: 'An assignment with this id exists' }),
      );
      this.relay.nudge();
      return assignmentView(a);
    });
  }

  /** The host must be an open unit of the same city, not the home unit, of the kind the assignment goes to. */
  private async hostUnit(hostUnitId: string, kind: AssignmentKind, home: OrgUnitView): Promise<OrgUnitView> {
    const host = await this.units.get(hostUnitId);
    const wrong = (rule: string, message: Bilingual) =>
      ruleBroken({ zh: '接收单位不符合规则', en: 'The host breaks a rule' }, fieldProblem('/hostUnitId', rule, message));
    if (!host || host.path[0] !== home.path[0]) throw wrong('unit-of-the-city', { zh: '须为本市的单位', en: 'must be a unit of the city' });
    if (host.status !== 'open') throw wrong('open-unit', { zh: '接收单位已撤销', en: 'the unit is closed' });
    if (host._id === home._id) throw wrong('not-home-unit', { zh: '不能是教师所在单位', en: "must not be the teacher's own unit" });
    const bureau = BUREAU_KINDS.has(host.kind);
    if (kind === 'bureau' && !bureau)
      throw wrong('bureau', { zh: '上挂须到市或县区教育局', en: 'a secondment up goes to the city or a county bureau' });
    if (kind !== 'bureau' && bureau) throw wrong('school', { zh: '须为学校或单位', en: 'must be a school or unit' });
    return host;
  }

  /** 409 naming the person's assignment whose days meet the new one's, with its dates. */
  private async refuseOverlap(a: Assignment): Promise<void> {
    const candidates = await this.assignments
      .find(SYSTEM, { teacherId: a.teacherId, startsOn: { $lte: a.endsOn } }, { outbox: 0 })
      .sort({ startsOn: 1 })
      .lean<Assignment[]>();
    const other = candidates.find((b) => occupiedUntil(b) >= a.startsOn);
    if (!other) return;
    const until = occupiedUntil(other);
    const name = TYPE_NAME[other.assignmentType];
    const message: Bilingual = {
      zh: `与${name.zh} ${other._id}（${other.startsOn} 至 ${until}）时间重叠`,
      en: `overlaps ${name.en} ${other._id} (${other.startsOn} to ${until})`,
    };
    throw problem.assignmentOverlap(
      {
        zh: `该教师在 ${other.startsOn} 至 ${until} 已有${name.zh}（${other._id}），与 ${a.startsOn} 至 ${a.endsOn} 重叠`,
        en: `The teacher has a ${name.en} (${other._id}) from ${other.startsOn} to ${until}, which overlaps ${a.startsOn} to ${a.endsOn}`,
      },
      [fieldProblem('/startsOn', 'no-overlap', message), fieldProblem('/endsOn', 'no-overlap', message)],
    );
  }

  /**
   * Ends a running assignment now (or on `endedOn`) with its evaluation, or records the evaluation of
   * one that ended on its date. A planned one has not started (409), an evaluated one is done (409).
   */
  async end(
    id: string,
    type: AssignmentType,
    input: EndAssignmentDto,
    scope: Scope,
    correlationId?: string,
    ifMatch?: string,
  ): Promise<AssignmentView> {
    const found = await this.assignments.get(scope, id);
    if (found.assignmentType !== type) throw problem.notFound({ zh: '找不到挂职或支教记录', en: 'Assignment not found' });
    return this.leases.withLease(personLease(found.teacherId), async () => {
      const a = await this.assignments.get(scope, id);
      checkIfMatch(ifMatch, a.version);
      const today = this.today();
      if (a.status === 'planned') {
        throw problem.conflict({ zh: `尚未开始（${a.startsOn} 开始）`, en: `It has not started yet (starts ${a.startsOn})` });
      }
      if (a.evaluation) throw problem.conflict({ zh: '已结束并已记录考核', en: 'It has ended and been evaluated' });
      const evaluation = { text: input.evaluation.text, grade: input.evaluation.grade };
      if (a.status === 'ended') {
        const next: Assignment = { ...a, evaluation, version: a.version + 1 };
        await this.write(a, { evaluation, version: next.version }, [
          assignmentEvent('evaluated', next, correlationId),
          assignmentAudit('evaluated', a, next, scope, correlationId),
        ]);
        return assignmentView(next);
      }
      const endedOn = input.endedOn ?? today;
      if (endedOn < a.startsOn || endedOn > today || endedOn > a.endsOn) {
        const latest = today < a.endsOn ? today : a.endsOn;
        throw ruleBroken(
          { zh: '结束日期不符合规则', en: 'The end date breaks a rule' },
          fieldProblem('/endedOn', 'within-assignment', {
            zh: `应在 ${a.startsOn} 至 ${latest} 之间`,
            en: `must lie between ${a.startsOn} and ${latest}`,
          }),
        );
      }
      const next: Assignment = { ...a, status: 'ended', endedOn, evaluation, version: a.version + 1 };
      await this.write(a, { status: 'ended', endedOn, evaluation, version: next.version }, [
        assignmentEvent('ended', next, correlationId),
        assignmentAudit('ended', a, next, scope, correlationId),
      ]);
      return assignmentView(next);
    });
  }

  /** One assignment's change and its events, only if nobody changed it meanwhile (under the person's lease). */
  async write(a: Assignment, set: Partial<Assignment>, events: OutboxEvent[]): Promise<void> {
    const outbox = await this.relay.sequence(...events);
    const res = await this.assignments
      .unscoped(Scope.system('assignments: a change of one the caller or the runner reached'))
      .updateOne({ _id: a._id, version: a.version }, { $set: set, $push: { outbox: { $each: outbox } } });
    if (res.modifiedCount === 0) throw problem.stale({ zh: '记录刚被修改，请重试', en: 'The record changed meanwhile; retry' });
    this.relay.nudge();
  }
}

import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { CreateProgrammeDto, CreateSessionDto } from '@pb/contracts';
import { insertOrFail } from '@pb/persistence';
import { InjectScopedModel, OrgUnitDirectory, paginate, problem, Scope, staleWrite, type Page, type ScopedModel } from '@pb/platform';
import { PROGRAMME_MODEL, PROGRAMME_NOT_FOUND, type Programme, type TrainingSession } from './programme.schema.js';

export type ProgrammeView = Omit<Programme, '_id' | 'organiserPath' | 'createdAt' | 'createdBy'> & { id: string };

export function programmeView(p: Programme): ProgrammeView {
  const { _id, organiserPath: _p, createdAt: _c, createdBy: _b, ...rest } = p;
  return { id: _id, ...rest };
}

/**
 * A programme is open to the organiser's subtree: a unit below the organiser reads it (and enrols its
 * teachers) though the programme does not lie in that unit's subtree. The programme is read by id on a
 * system scope and then checked against the caller's own path from the org-unit read model.
 */
const OPEN_TO_SUBTREE = Scope.system("programmes: open to the organiser's subtree, checked against the caller's path");
const UNITS_ON_PATH = Scope.system("programmes: those organised on the caller's own path, named by the read model");

/** 培训项目 Programmes: created by a unit for its subtree, with their sessions. */
@Injectable()
export class ProgrammesService {
  constructor(
    @InjectScopedModel(PROGRAMME_MODEL) private readonly programmes: ScopedModel<Programme>,
    private readonly tree: OrgUnitDirectory,
  ) {}

  async create(scope: Scope, input: CreateProgrammeDto): Promise<ProgrammeView> {
    const organiserId = await scope.unit(input.organiserId, this.tree.pathOf);
    const organiserPath = (await this.tree.pathOf(organiserId)) ?? [organiserId];
    const doc: Programme = {
      _id: input.id ?? randomUUID(),
      organiserId,
      organiserPath: [...organiserPath],
      title: input.title,
      category: input.category,
      requiredHours: input.requiredHours,
      year: input.year,
      term: input.term,
      assessment: input.assessment,
      capacity: input.capacity,
      enrolled: 0,
      sessions: [],
      version: 1,
      createdAt: new Date(),
      createdBy: scope.accountId,
    };
    // The organiser was checked against the caller's scope above.
    await insertOrFail(
      () => this.programmes.unscoped(Scope.system('programmes: insert at a checked organiser')).create(doc),
      () =>
        problem.duplicate({ zh: '项目标识已存在', en: 'A programme with this id exists' }, [
          { pointer: '/id', rule: 'unique', message: { zh: '标识必须唯一', en: 'id must be unique' } },
        ]),
    );
    return programmeView(doc);
  }

  /** A programme the caller manages: organised by its unit or a unit below it (404 otherwise). */
  managed(scope: Scope, id: string): Promise<Programme> {
    return this.programmes.get(scope, id);
  }

  /** A programme open to the caller: it manages it, or its unit lies in the organiser's subtree (404 otherwise). */
  async open(scope: Scope, id: string): Promise<Programme> {
    const p = await this.programmes.lookup(OPEN_TO_SUBTREE, id);
    if (p && (scope.reaches(p.organiserPath) || (await this.inSubtreeOf(scope.orgUnitId, p.organiserId)))) return p;
    throw problem.notFound(PROGRAMME_NOT_FOUND);
  }

  /** Whether `unitId` lies in `rootId`'s subtree (itself included), by the org-unit read model. */
  async inSubtreeOf(unitId: string, rootId: string): Promise<boolean> {
    return (await this.tree.pathOf(unitId))?.includes(rootId) ?? false;
  }

  /** Programmes organised on the caller's path (its own unit and the bureaus above) or inside its subtree, newest id order. */
  async list(scope: Scope, query: { year?: number; limit?: number; cursor?: string }): Promise<Page<ProgrammeView>> {
    const path = (await this.tree.pathOf(scope.orgUnitId)) ?? [scope.orgUnitId];
    const year = query.year === undefined ? {} : { year: query.year };
    const page = await paginate<Programme>(
      query,
      '/api/v1/training/programmes',
      (p) => p._id,
      (after, take) =>
        this.programmes
          .unscoped(UNITS_ON_PATH)
          .find({
            $or: [{ organiserId: { $in: [...path] } }, { organiserPath: scope.orgUnitId }],
            ...year,
            ...(after ? { _id: { $gt: after } } : {}),
          })
          .sort({ _id: 1 })
          .limit(take)
          .lean<Programme[]>(),
    );
    return { ...page, items: page.items.map(programmeView) };
  }

  /**
   * Adds a session (organiser or above); a second session on one date is 409. A compare-and-set on the
   * programme's version, so two sessions of one date added at once cannot both land.
   */
  async addSession(scope: Scope, id: string, input: CreateSessionDto): Promise<ProgrammeView> {
    const p = await this.managed(scope, id);
    if (p.sessions.some((s) => s.date === input.date)) {
      throw problem.duplicate({ zh: `${input.date} 已有培训课次`, en: `There is a session on ${input.date} already` }, [
        { pointer: '/date', rule: 'one-session-a-day', message: { zh: '每个项目每天一次课', en: 'one session a day per programme' } },
      ]);
    }
    // A session's id is its date: an attendance file names sessions by date.
    const session: TrainingSession = { id: input.date, date: input.date, hours: input.hours };
    const res = await this.programmes.updateOne(
      scope,
      { _id: id, version: p.version },
      { $push: { sessions: session }, $inc: { version: 1 } },
    );
    if (res.matchedCount === 0) throw staleWrite(p.version + 1);
    return programmeView({ ...p, sessions: [...p.sessions, session], version: p.version + 1 });
  }

  /**
   * Takes one place of the programme's capacity, or answers 409 (rule `capacity`) when it is full: the
   * conditional `$inc` holds the capacity under concurrent enrolments.
   */
  async takePlace(p: Programme): Promise<void> {
    const res = await this.programmes
      .unscoped(Scope.system('programmes: a place taken for a checked enrolment'))
      .updateOne({ _id: p._id, enrolled: { $lt: p.capacity } }, { $inc: { enrolled: 1 } });
    if (res.matchedCount === 0) {
      throw problem.conflict({ zh: `培训项目名额已满（${p.capacity} 人）`, en: `The programme is full (capacity ${p.capacity})` }, [
        {
          pointer: '/teacherId',
          rule: 'capacity',
          message: { zh: `名额 ${p.capacity} 人已满`, en: `all ${p.capacity} places are taken` },
        },
      ]);
    }
  }

  /** Gives back a place taken for an enrolment that was not written (a duplicate). */
  async givePlaceBack(p: Programme): Promise<void> {
    await this.programmes.unscoped(Scope.system('programmes: a place given back')).updateOne({ _id: p._id }, { $inc: { enrolled: -1 } });
  }
}

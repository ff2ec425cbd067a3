import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { AddReserveCadreDto, ReserveCadreViewSchema } from '@pb/contracts';
import { OutboxRelay } from '@pb/messaging';
import { InjectScopedModel, OrgUnitDirectory, paginate, problem, Scope, type Page, type ScopedModel } from '@pb/platform';
import type { FromSchema } from 'json-schema-to-ts';
import { cadreAudit } from './assignment-events.js';
import { CadrePeople } from './cadre-people.js';
import { RESERVE_CADRE_MODEL, RESERVE_CADRE_NOT_FOUND, type ReserveCadre } from './cadre.schemas.js';
import { AssignmentsService } from './assignments.service.js';

type ReserveCadreView = FromSchema<typeof ReserveCadreViewSchema>;

const view = (r: Omit<ReserveCadre, 'outbox'>): ReserveCadreView => ({
  unitId: r.unitId,
  teacherId: r.teacherId,
  since: r.since,
  note: r.note,
});
const idOf = (unitId: string, teacherId: string) => `${unitId}:${teacherId}`;

/**
 * 后备干部 Reserve cadres per unit: teachers of the unit, listed once. Removing one keeps the record
 * (marked removed, with its audit entry in the same write); listing it again brings it back.
 */
@Injectable()
export class ReserveCadresService implements OnModuleInit {
  constructor(
    @InjectScopedModel(RESERVE_CADRE_MODEL) private readonly cadres: ScopedModel<ReserveCadre>,
    private readonly people: CadrePeople,
    private readonly units: OrgUnitDirectory,
    private readonly assignments: AssignmentsService,
    private readonly relay: OutboxRelay,
  ) {}

  onModuleInit() {
    this.relay.register(this.cadres.unscoped(Scope.system('outbox relay')));
  }

  async list(unitId: string, scope: Scope, query: { limit?: number; cursor?: string }): Promise<Page<ReserveCadreView>> {
    const unit = await scope.unit(unitId, this.units.pathOf);
    const page = await paginate<ReserveCadre>(
      query,
      `/api/v1/org-units/${unit}/reserve-cadres`,
      (r) => r._id,
      (after, take) =>
        this.cadres
          .find(scope, { unitId: unit, removedAt: null, ...(after ? { _id: { $gt: after } } : {}) }, { outbox: 0 })
          .sort({ _id: 1 })
          .limit(take)
          .lean<ReserveCadre[]>(),
    );
    return { ...page, items: page.items.map(view) };
  }

  async add(unitId: string, input: AddReserveCadreDto, scope: Scope, correlationId?: string): Promise<ReserveCadreView> {
    const unit = await scope.unit(unitId, this.units.pathOf);
    const teacher = await this.people.get(scope, input.teacherId);
    if (teacher.unitId !== unit) {
      throw problem.ruleViolation({ zh: '后备干部须为本单位教师', en: 'A reserve cadre is a teacher of the unit' }, [
        { pointer: '/teacherId', rule: 'teacher-of-unit', message: { zh: '不是本单位的教师', en: 'not a teacher of this unit' } },
      ]);
    }
    const _id = idOf(unit, teacher.id);
    const before = await this.cadres.lookup(scope, _id);
    if (before && !before.removedAt) throw problem.duplicate({ zh: '已是本单位后备干部', en: 'Already a reserve cadre of the unit' });
    const fields = {
      unitId: unit,
      teacherId: teacher.id,
      since: input.since ?? this.assignments.today(),
      note: input.note ?? null,
      addedAt: new Date(),
      removedAt: null,
    };
    const after = { _id, ...fields };
    const outbox = await this.relay.sequence(cadreAudit('reserve-cadre', _id, unit, 'added', before, after, scope, correlationId));
    // Upsert on the id (unit and teacher): a removed one comes back; two adds at once end as one.
    await this.cadres.updateOne(scope, { _id, unitId: unit }, { $set: fields, $push: { outbox: { $each: outbox } } }, { upsert: true });
    this.relay.nudge();
    return view(after);
  }

  async remove(unitId: string, teacherId: string, scope: Scope, correlationId?: string): Promise<void> {
    const unit = await scope.unit(unitId, this.units.pathOf);
    const _id = idOf(unit, teacherId);
    const before = await this.cadres.lookup(scope, _id);
    if (!before || before.removedAt) throw problem.notFound(RESERVE_CADRE_NOT_FOUND);
    const after = { ...before, removedAt: new Date() };
    const outbox = await this.relay.sequence(cadreAudit('reserve-cadre', _id, unit, 'removed', before, after, scope, correlationId));
    await this.cadres.updateOne(
      scope,
      { _id, unitId: unit },
      { $set: { removedAt: after.removedAt }, $push: { outbox: { $each: outbox } } },
    );
    this.relay.nudge();
  }
}

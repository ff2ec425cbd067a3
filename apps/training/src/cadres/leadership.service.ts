import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { LeadershipTeamDto } from '@pb/contracts';
import { OutboxRelay } from '@pb/messaging';
import { insertOrFail } from '@pb/persistence';
import {
  checkIfMatch,
  Clock,
  InjectScopedModel,
  OrgUnitDirectory,
  problem,
  Scope,
  type FieldProblem,
  type Page,
  type ScopedModel,
} from '@pb/platform';
import { ageTierReport, type AgeTierReport } from './age-tiers.js';
import { cadreAudit } from './assignment-events.js';
import { CadrePeople } from './cadre-people.js';
import { LEADERSHIP_TEAM_MODEL, type LeadershipTeam } from './cadre.schemas.js';
import { CADRE_SETTINGS, type CadreSettings } from './cadres.config.js';
import { cityYear } from './city-dates.js';

export interface LeadershipTeamView {
  unitId: string;
  members: { teacherId: string; post: string }[];
  version: number;
}

const view = (t: LeadershipTeam): LeadershipTeamView => ({ unitId: t.unitId, members: t.members, version: t.version });

/** 领导班子 Leadership teams per unit (members are teachers of the unit) and their age tiers (年龄梯次配备). */
@Injectable()
export class LeadershipService implements OnModuleInit {
  constructor(
    @InjectScopedModel(LEADERSHIP_TEAM_MODEL) private readonly teams: ScopedModel<LeadershipTeam>,
    @Inject(CADRE_SETTINGS) private readonly settings: CadreSettings,
    private readonly people: CadrePeople,
    private readonly units: OrgUnitDirectory,
    private readonly relay: OutboxRelay,
    private readonly clock: Clock,
  ) {}

  onModuleInit() {
    this.relay.register(this.teams.unscoped(Scope.system('outbox relay')));
  }

  /** The team; a unit without one has an empty team at version 0. */
  async get(unitId: string, scope: Scope): Promise<LeadershipTeamView> {
    const unit = await scope.unit(unitId, this.units.pathOf);
    const team = await this.teams.lookup(scope, unit);
    return team ? view(team) : { unitId: unit, members: [], version: 0 };
  }

  async put(unitId: string, input: LeadershipTeamDto, scope: Scope, correlationId?: string, ifMatch?: string): Promise<LeadershipTeamView> {
    const unit = await scope.unit(unitId, this.units.pathOf);
    const errors: FieldProblem[] = [];
    const seen = new Set<string>();
    for (const [i, m] of input.members.entries()) {
      const pointer = `/members/${i}/teacherId`;
      if (seen.has(m.teacherId)) {
        errors.push({ pointer, rule: 'unique', message: { zh: '成员重复', en: 'listed twice' } });
        continue;
      }
      seen.add(m.teacherId);
      const teacher = await this.people.get(scope, m.teacherId).catch(() => null);
      if (teacher?.unitId !== unit) {
        errors.push({ pointer, rule: 'teacher-of-unit', message: { zh: '不是本单位的教师', en: 'not a teacher of this unit' } });
      }
    }
    if (errors.length > 0) throw problem.ruleViolation({ zh: '领导班子成员不符合规则', en: 'A member of the team breaks a rule' }, errors);
    const members = input.members.map((m) => ({ teacherId: m.teacherId, post: m.post }));
    const before = await this.teams.lookup(scope, unit);
    checkIfMatch(ifMatch, before?.version ?? 0);
    const after: LeadershipTeam = { _id: unit, unitId: unit, members, version: (before?.version ?? 0) + 1, outbox: [] };
    const outbox = await this.relay.sequence(
      cadreAudit(
        'leadership-team',
        unit,
        unit,
        before ? 'changed' : 'set',
        before ? view(before) : null,
        view(after),
        scope,
        correlationId,
      ),
    );
    const stale = () => problem.stale({ zh: '领导班子刚被修改，请重新读取', en: 'The team changed meanwhile; read it again' });
    if (!before) {
      await insertOrFail(
        () => this.teams.unscoped(Scope.system('leadership team: first of a checked unit')).create({ ...after, outbox }),
        stale,
      );
    } else {
      const res = await this.teams.updateOne(
        scope,
        { _id: unit, unitId: unit, version: before.version },
        { $set: { members, version: after.version }, $push: { outbox: { $each: outbox } } },
      );
      if (res.modifiedCount === 0) throw stale();
    }
    this.relay.nudge();
    return view(after);
  }

  async ageTiers(unitId: string, scope: Scope): Promise<AgeTierReport> {
    const unit = await scope.unit(unitId, this.units.pathOf);
    const team = await this.teams.lookup(scope, unit);
    return (await this.reports(team ? [team] : [], [unit]))[0];
  }

  /** The age tiers of every team of a subtree, by unit id, a page at a time. */
  async subtreeAgeTiers(scope: Scope, query: { unit?: string; limit?: number; cursor?: string }): Promise<Page<AgeTierReport>> {
    const page = await this.units.subtreePage(scope, this.teams, query, {
      path: '/api/v1/cadres/age-tiers',
      unitField: 'unitId',
      order: { field: '_id' },
      projection: { outbox: 0 },
    });
    return {
      ...page,
      items: await this.reports(
        page.items,
        page.items.map((t) => t.unitId),
      ),
    };
  }

  /** One report per unit: its team's birth years (from the roster, members no longer on it left out) in the city's bands. */
  private async reports(teams: LeadershipTeam[], unitIds: string[]): Promise<AgeTierReport[]> {
    const byUnit = new Map(teams.map((t) => [t.unitId, t]));
    const years = await this.people.birthYears(teams.flatMap((t) => t.members.map((m) => m.teacherId)));
    const year = cityYear(this.clock.now(), this.settings.timeZone);
    return unitIds.map((unitId) => {
      const members = byUnit.get(unitId)?.members ?? [];
      const birthYears = members.map((m) => years.get(m.teacherId)).filter((y): y is number => y !== undefined);
      return ageTierReport(unitId, birthYears, year, this.settings.bands, this.settings.requiredBands);
    });
  }
}

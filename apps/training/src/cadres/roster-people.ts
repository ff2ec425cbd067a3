import { Injectable } from '@nestjs/common';
import { Scope } from '@pb/platform';
import { TeachersService } from '../teachers/teachers.service.js';
import { CadrePeople, type CadrePerson } from './cadre-people.js';

const SYSTEM = Scope.system('cadres: birth years of a team whose unit the caller reached');

/** Cadre development's people are the teachers of the roster (TeachersService), read through the caller's scope. */
@Injectable()
export class RosterPeople extends CadrePeople {
  constructor(private readonly teachers: TeachersService) {
    super();
  }

  async get(scope: Scope, teacherId: string): Promise<CadrePerson> {
    const t = await this.teachers.get(scope, teacherId);
    return { id: t.id, unitId: t.unitId, birthYear: t.birthYear };
  }

  async birthYears(teacherIds: readonly string[]): Promise<Map<string, number>> {
    const years = new Map<string, number>();
    for (const id of new Set(teacherIds)) {
      const t = await this.teachers.get(SYSTEM, id).catch(() => null);
      if (t) years.set(id, t.birthYear);
    }
    return years;
  }
}

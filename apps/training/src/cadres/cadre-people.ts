import { Injectable } from '@nestjs/common';
import type { Scope } from '@pb/platform';

/** A person of cadre development: a teacher of the roster, as far as cadre work needs them (no name). */
export interface CadrePerson {
  id: string;
  unitId: string;
  birthYear: number;
}

/**
 * The roster (the teachers feature) as cadre development reads it: reserve cadres, leadership teams
 * and assignments name teachers by id, and every read goes through the caller's scope.
 */
@Injectable()
export abstract class CadrePeople {
  /** The teacher when the scope reaches their unit; the roster's 404 otherwise. */
  abstract get(scope: Scope, teacherId: string): Promise<CadrePerson>;

  /** Birth years of the teachers still on the roster (for the age tiers of a unit the caller reached). */
  abstract birthYears(teacherIds: readonly string[]): Promise<Map<string, number>>;
}

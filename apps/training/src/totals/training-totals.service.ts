import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { incrementOnce, type CounterIncrement } from '@pb/messaging';
import { OrgUnitDirectory, UNIT_NOT_FOUND, type Scope } from '@pb/platform';
import { TeachersService } from '../teachers/teachers.service.js';
import { teacherTotalsId, TRAINING_TOTALS_MODEL, unitTotalsId, type TrainingTotals } from './training-totals.schema.js';

type Counts = Pick<TrainingTotals, 'enrolments' | 'completed' | 'certified' | 'hours'>;
const NONE: Counts = { enrolments: 0, completed: 0, certified: 0, hours: 0 };

/** Counts with the completion and certification rates: percent with one decimal, null without enrolments. */
export function withRates(c: Counts) {
  const pct = (n: number) => (c.enrolments === 0 ? null : Math.round((n / c.enrolments) * 1000) / 10);
  return {
    enrolments: c.enrolments,
    completed: c.completed,
    certified: c.certified,
    hours: c.hours,
    completionRate: pct(c.completed),
    certificationRate: pct(c.certified),
  };
}

/** 年度培训统计 Yearly totals per teacher and unit, read from the counters the consumer keeps. */
@Injectable()
export class TrainingTotalsService {
  constructor(
    @InjectModel(TRAINING_TOTALS_MODEL) private readonly totals: Model<TrainingTotals>,
    private readonly tree: OrgUnitDirectory,
    private readonly teachers: TeachersService,
  ) {}

  count(increments: CounterIncrement[]): Promise<void> {
    return incrementOnce(this.totals.collection, increments);
  }

  /** A unit of the caller's subtree (its own by default; 404 outside) and each unit directly below it. */
  async ofUnit(scope: Scope, unitId: string | undefined, year: number) {
    const unit = scope.require(await this.tree.get(unitId ?? scope.orgUnitId), (u) => u.path, UNIT_NOT_FOUND);
    const children = await this.tree.children(unit._id);
    const ids = [unit._id, ...children.map((c) => c._id)].map((id) => unitTotalsId(id, year));
    const docs = await this.totals.find({ _id: { $in: ids } }).lean<TrainingTotals[]>();
    const byUnit = new Map(docs.map((d) => [d.unitId, d]));
    return {
      unitId: unit._id,
      year,
      ...withRates(byUnit.get(unit._id) ?? NONE),
      children: children.map((c) => ({ unitId: c._id, name: c.name, kind: c.kind, ...withRates(byUnit.get(c._id) ?? NONE) })),
    };
  }

  /** One teacher's yearly totals (the teacher in the caller's scope, else 404). */
  async ofTeacher(scope: Scope, teacherId: string, year: number) {
    const teacher = await this.teachers.doc(scope, teacherId);
    const doc = await this.totals.findById(teacherTotalsId(teacher._id, year)).lean<TrainingTotals>();
    return { teacherId: teacher._id, unitId: teacher.unitId, year, ...withRates(doc ?? NONE) };
  }
}

import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { incrementOnce } from '@pb/messaging';
import { findByIds } from '@pb/persistence';
import {
  InjectScopedModel,
  OrgUnitDirectory,
  Scope,
  UNIT_NOT_FOUND,
  type Identity,
  type OrgUnitView,
  type ScopedModel,
  problem,
} from '@pb/platform';
import { ReportPeriod } from '../periods/report-period.js';
import { HALF_MONTH_REPORT_MODEL, type HalfMonthReport } from '../reports/half-month-report.schema.js';
import { COMPLIANCE_MODEL, type ComplianceCounter } from './compliance.schema.js';

export interface Rates {
  expected: number;
  actual: number;
  onTime: number;
  /** actual / expected, in percent with one decimal; null when nothing was expected. */
  reportingRate: number | null;
  onTimeRate: number | null;
}

export function rates(c: Pick<ComplianceCounter, 'expected' | 'actual' | 'onTime'>): Rates {
  const pct = (n: number) => (c.expected === 0 ? null : Math.round((n / c.expected) * 1000) / 10);
  return { expected: c.expected, actual: c.actual, onTime: c.onTime, reportingRate: pct(c.actual), onTimeRate: pct(c.onTime) };
}

const MAX_PERIODS = 48;

/** One event's increment of the counters of every unit on its path, with its record's position. */
export interface ComplianceIncrement {
  unitPath: string[];
  periodId: string;
  inc: Partial<Record<'expected' | 'actual' | 'onTime', number>>;
  partition: number;
  offset: number;
}

@Injectable()
export class ComplianceService {
  constructor(
    @InjectModel(COMPLIANCE_MODEL) private readonly counters: Model<ComplianceCounter>,
    @InjectScopedModel(HALF_MONTH_REPORT_MODEL) private readonly reports: ScopedModel<HalfMonthReport>,
    private readonly directory: OrgUnitDirectory,
  ) {}

  /**
   * Adds a run of increments (one partition, offset order) to the counters of every unit on each
   * path (school, county, city), one write per counter, each applied once (`incrementOnce`: the
   * counter keeps the last offset applied per partition in the same write).
   */
  async countRun(increments: ComplianceIncrement[]): Promise<void> {
    await incrementOnce(
      this.counters.collection,
      increments.flatMap((i) =>
        i.unitPath.map((unitId) => ({
          _id: `${unitId}:${i.periodId}`,
          setOnInsert: { unitId, periodId: i.periodId },
          inc: { expected: 0, actual: 0, onTime: 0, ...i.inc },
          partition: i.partition,
          offset: i.offset,
        })),
      ),
    );
  }

  /** A unit of the caller's subtree, or 404. */
  async unitInScope(unitId: string | undefined, caller: Identity): Promise<OrgUnitView> {
    return Scope.of(caller).require(await this.directory.get(unitId ?? caller.orgUnitId), (u) => u.path, UNIT_NOT_FOUND);
  }

  periodRange(from: string, to: string): string[] {
    let p: ReportPeriod;
    let last: ReportPeriod;
    try {
      p = ReportPeriod.parse(from);
      last = ReportPeriod.parse(to);
    } catch (err) {
      throw problem.validation({
        zh: `期次格式应为 YYYY-MM-H1 或 YYYY-MM-H2：${String(err)}`,
        en: `Periods are YYYY-MM-H1 or YYYY-MM-H2: ${String(err)}`,
      });
    }
    const ids: string[] = [];
    while (p.compare(last) <= 0 && ids.length < MAX_PERIODS) {
      ids.push(p.id);
      p = p.next();
    }
    return ids;
  }

  /** Rates of one unit per period, and over the whole range. */
  async overTime(unit: OrgUnitView, periodIds: string[]) {
    const docs = await this.counters.find({ _id: { $in: periodIds.map((p) => `${unit._id}:${p}`) } }).lean<ComplianceCounter[]>();
    const byPeriod = new Map(docs.map((d) => [d.periodId, d]));
    const rows = periodIds.map((periodId) => ({ periodId, ...rates(byPeriod.get(periodId) ?? { expected: 0, actual: 0, onTime: 0 }) }));
    const total = rows.reduce((t, r) => ({ expected: t.expected + r.expected, actual: t.actual + r.actual, onTime: t.onTime + r.onTime }), {
      expected: 0,
      actual: 0,
      onTime: 0,
    });
    return { unitId: unit._id, unitName: unit.name, periods: rows, total: rates(total) };
  }

  /** Rates of each child unit (the schools of a county, the counties and city-direct schools of the city). */
  async breakdown(unit: OrgUnitView, periodIds: string[]) {
    const children = await this.directory.children(unit._id);
    const ids = children.flatMap((c) => periodIds.map((p) => `${c._id}:${p}`));
    // In `_id` lists the local store answers from its index (a city with 1,000 direct schools x 24 periods).
    const docs = await findByIds<ComplianceCounter>(this.counters.collection, ids);
    const byId = new Map(docs.map((d) => [d._id, d]));
    return children.map((c) => {
      const sum = periodIds.reduce(
        (t, p) => {
          const d = byId.get(`${c._id}:${p}`);
          return d ? { expected: t.expected + d.expected, actual: t.actual + d.actual, onTime: t.onTime + d.onTime } : t;
        },
        { expected: 0, actual: 0, onTime: 0 },
      );
      return { unitId: c._id, code: c.code, name: c.name, kind: c.kind, ...rates(sum) };
    });
  }

  /** Reports found missing at their deadline and still not submitted, under a unit, for a period. */
  async missing(unit: OrgUnitView, periodId: string, caller: Identity) {
    const docs = await this.reports
      .find(Scope.of(caller), { unitPath: unit._id, periodId, timeliness: 'missing' }, { partyOrgId: 1, unitId: 1, dueAt: 1, reviewers: 1 })
      .sort({ unitId: 1 })
      .lean<Pick<HalfMonthReport, '_id' | 'partyOrgId' | 'unitId' | 'dueAt' | 'reviewers'>[]>();
    return docs.map((d) => ({ reportId: d._id, partyOrgId: d.partyOrgId, unitId: d.unitId, dueAt: d.dueAt, reviewers: d.reviewers }));
  }
}

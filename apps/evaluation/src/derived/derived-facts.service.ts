import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { DERIVED_METRICS, Topics, type DerivedMetric } from '@pb/contracts';
import { findByIds } from '@pb/persistence';
import {
  DERIVED_TALLY_MODEL,
  FACT_KEYS_MODEL,
  MEMBER_FACT_MODEL,
  REPORT_FACT_MODEL,
  TRAINING_FACT_MODEL,
  type MemberFact,
  type ReportFact,
  type DerivedTally,
  type FactKeys,
  type ReportOutcome,
  type TrainingFact,
} from './facts.schema.js';
import {
  countMembers,
  countReports,
  countTraining,
  DerivedFactsWriter,
  periodsOf,
  tallyId,
  type DerivedCounts,
  type MemberCounts,
  type MemberEvent,
  type ReportCounts,
  type ReportEvent,
  type Tally,
  type TouchedKeys,
  type TrainingCounts,
  type TrainingEvent,
} from './derived-facts.writer.js';

export { periodsOf };

/** How one derived metric was computed for a party organisation and year (the answer's `derived`). */
export interface DerivedExplanation {
  metric: DerivedMetric;
  title: { zh: string; en: string };
  status: 'live' | 'no-data';
  /** numerator / denominator, 0-1; null without data. */
  rate: number | null;
  formula: string;
  inputs: Record<string, number>;
  periods?: { periodId: string; outcome: ReportOutcome; dueAt?: string; submittedAt: string | null }[];
  sourceRange: { from: string | null; to: string | null };
  source: string;
}

const TITLES: Record<DerivedMetric, { zh: string; en: string }> = {
  'reporting.on-time-rate': { zh: '半月报及时率', en: 'Half-month reports on time' },
  'reporting.completeness': { zh: '半月报完整率', en: 'Half-month reports submitted' },
  'members.within-rules': { zh: '党员发展程序合规率', en: 'Member records within the milestone rules' },
  'training.completion-rate': { zh: '培训完成率', en: 'Training completion rate' },
  'training.certification-rate': { zh: '培训认定率', en: 'Training certification rate' },
};

/** A party organisation and its school: reports and members are the organisation's, training the school's. */
export interface PartyOrgKey {
  partyOrgId: string;
  unitId: string;
}

const NO_COUNTS: DerivedCounts = {
  reports: countReports([]),
  members: countMembers([]),
  training: countTraining([]),
};

/** The derived indicators' facts (written from runs of events) and their explanation, read when asked. */
@Injectable()
export class DerivedFactsService {
  private readonly writer: DerivedFactsWriter;

  constructor(
    @InjectModel(REPORT_FACT_MODEL) private readonly reports: Model<ReportFact>,
    @InjectModel(MEMBER_FACT_MODEL) private readonly members: Model<MemberFact>,
    @InjectModel(TRAINING_FACT_MODEL) trainings: Model<TrainingFact>,
    @InjectModel(DERIVED_TALLY_MODEL) private readonly tallies: Model<DerivedTally>,
    @InjectModel(FACT_KEYS_MODEL) factKeys: Model<FactKeys>,
  ) {
    this.writer = new DerivedFactsWriter({
      reports: reports.collection,
      members: members.collection,
      trainings: trainings.collection,
      tallies: tallies.collection,
      factKeys: factKeys.collection,
    });
  }

  applyReports(events: readonly ReportEvent[]): Promise<TouchedKeys> {
    return this.writer.applyReports(events);
  }

  applyTraining(events: readonly TrainingEvent[]): Promise<TouchedKeys> {
    return this.writer.applyTraining(events);
  }

  applyMembers(events: readonly MemberEvent[]): Promise<TouchedKeys> {
    return this.writer.applyMembers(events);
  }

  /** Ids of the member files of the branches of these units (ids only: the population of a spot check). */
  async memberFiles(unitIds: string[]): Promise<string[]> {
    if (unitIds.length === 0) return [];
    const rows = await this.members.find({ unitId: { $in: unitIds } }, { _id: 1 }).lean<{ _id: string }[]>();
    return rows.map((r) => r._id);
  }

  /**
   * Every derived metric of each party organisation for a year, from the tallies (three `_id`s per
   * party organisation, one query for a page of a score table): rates and inputs, no period list.
   */
  async explainAll(orgs: PartyOrgKey[], year: number): Promise<Map<string, DerivedExplanation[]>> {
    const counts = await this.countsOf(orgs, year);
    return new Map(orgs.map(({ partyOrgId }) => [partyOrgId, explainCounts(counts.get(partyOrgId) ?? NO_COUNTS, year)]));
  }

  /** A party organisation's derived metrics for a year, explained: the report metrics list each period. */
  async explain(org: PartyOrgKey, year: number): Promise<DerivedExplanation[]> {
    const ids = periodsOf(year).map((p) => `${org.partyOrgId}:${p}`);
    const [facts, counts] = await Promise.all([findByIds<ReportFact>(this.reports.collection, ids), this.countsOf([org], year)]);
    const reports = facts.filter((f) => f.partyOrgId === org.partyOrgId);
    return explainCounts({ ...(counts.get(org.partyOrgId) ?? NO_COUNTS), reports: countReports(reports) }, year, periodList(reports));
  }

  private async countsOf(orgs: PartyOrgKey[], year: number): Promise<Map<string, DerivedCounts>> {
    const ids = orgs.flatMap((o) => [tallyId.reports(o.partyOrgId, year), tallyId.members(o.partyOrgId), tallyId.training(o.unitId, year)]);
    const byId = new Map((await findByIds<Tally>(this.tallies.collection, ids)).map((t) => [t._id, t]));
    return new Map(
      orgs.map((o) => {
        const reports = byId.get(tallyId.reports(o.partyOrgId, year));
        const members = byId.get(tallyId.members(o.partyOrgId));
        const training = byId.get(tallyId.training(o.unitId, year));
        return [
          o.partyOrgId,
          {
            reports: reports
              ? { counts: reports.counts as unknown as ReportCounts, sourceRange: reports.sourceRange ?? NO_COUNTS.reports.sourceRange }
              : NO_COUNTS.reports,
            members: (members?.counts as unknown as MemberCounts | undefined) ?? NO_COUNTS.members,
            training: (training?.counts as unknown as TrainingCounts | undefined) ?? NO_COUNTS.training,
          },
        ];
      }),
    );
  }
}

type PeriodEntry = NonNullable<DerivedExplanation['periods']>[number];

/** Each report of the year by period: its outcome, deadline and first submission. */
function periodList(facts: readonly ReportFact[]): PeriodEntry[] {
  return [...facts]
    .sort((a, b) => a.periodId.localeCompare(b.periodId))
    .map((f) => ({
      periodId: f.periodId,
      outcome: f.outcome,
      ...(f.dueAt ? { dueAt: new Date(f.dueAt).toISOString() } : {}),
      submittedAt: f.submittedAt ? new Date(f.submittedAt).toISOString() : null,
    }));
}

/** The explanations from the facts: pure, so a rebuild from the same events explains the same. */
export function explain(
  reportFacts: ReportFact[],
  memberFacts: Pick<MemberFact, 'flaggedRuleCount'>[],
  year: number,
  trainingFacts: Pick<TrainingFact, 'completed' | 'certified'>[] = [],
): DerivedExplanation[] {
  const counts = { reports: countReports(reportFacts), members: countMembers(memberFacts), training: countTraining(trainingFacts) };
  return explainCounts(counts, year, periodList(reportFacts));
}

/** The explanations from the counts (a score table), with the period list when it is given (one assessment). */
export function explainCounts(c: DerivedCounts, year: number, periods?: PeriodEntry[]): DerivedExplanation[] {
  const { due, onTime, late } = c.reports.counts;
  const rate = (n: number, d: number) => (d === 0 ? null : n / d);
  const reporting = (metric: DerivedMetric, numerator: number, formula: string): DerivedExplanation => ({
    metric,
    title: TITLES[metric],
    status: due === 0 ? 'no-data' : 'live',
    rate: rate(numerator, due),
    formula,
    inputs: { ...c.reports.counts },
    ...(periods ? { periods } : {}),
    sourceRange: c.reports.sourceRange,
    source: Topics.reportingReports,
  });
  const { enrolments, completed, certified } = c.training;
  const training = (metric: DerivedMetric, numerator: number, formula: string): DerivedExplanation => ({
    metric,
    title: TITLES[metric],
    status: enrolments === 0 ? 'no-data' : 'live',
    rate: rate(numerator, enrolments),
    formula,
    inputs: { enrolments, completed, certified },
    sourceRange: { from: `${year}`, to: `${year}` },
    source: Topics.trainingRecords,
  });
  const byMetric: Record<DerivedMetric, DerivedExplanation> = {
    'reporting.on-time-rate': reporting('reporting.on-time-rate', onTime, 'onTime / due (due = onTime + late + missing) 按时数 / 已到期数'),
    'reporting.completeness': reporting('reporting.completeness', onTime + late, '(onTime + late) / due 已报数 / 已到期数'),
    'members.within-rules': {
      metric: 'members.within-rules',
      title: TITLES['members.within-rules'],
      status: c.members.records === 0 ? 'no-data' : 'live',
      rate: rate(c.members.withinRules, c.members.records),
      formula: 'withinRules / records (records breaking no milestone rule) 未违反发展程序规则的记录数 / 记录数',
      inputs: { ...c.members },
      sourceRange: { from: null, to: null },
      source: Topics.members,
    },
    'training.completion-rate': training(
      'training.completion-rate',
      completed,
      "completed / enrolments of the school's teachers in the year's programmes (hours ≥ required) 学时达标人次 / 报名人次",
    ),
    'training.certification-rate': training(
      'training.certification-rate',
      certified,
      "certified / enrolments of the school's teachers in the year's programmes 认定人次 / 报名人次",
    ),
  };
  return DERIVED_METRICS.map((m) => byMetric[m]);
}

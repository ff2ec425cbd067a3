import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import {
  DERIVED_METRICS,
  Topics,
  type DerivedMetric,
  type EventData,
  type MemberRegisteredV1,
  type ReportExpectedV1,
  type ReportOverdueV1,
  type ReportSubmittedV1,
  type TrainingEnrolledV1,
} from '@pb/contracts';
import { applyNewest, applyOnce, type ApplyResult, type NewestState } from '@pb/messaging';
import {
  MEMBER_FACT_MODEL,
  REPORT_FACT_MODEL,
  TRAINING_FACT_MODEL,
  type MemberFact,
  type ReportFact,
  type ReportOutcome,
  type TrainingFact,
} from './facts.schema.js';

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

/** The 24 periods of a year, `YYYY-01-H1` to `YYYY-12-H2`. */
export function periodsOf(year: number): string[] {
  return Array.from({ length: 24 }, (_, i) => `${year}-${String(Math.floor(i / 2) + 1).padStart(2, '0')}-H${(i % 2) + 1}`);
}

const yearOf = (periodId: string) => Number(periodId.slice(0, 4));
/** The longest `_id` list of one query (the local store answers it from its index). */
const ID_LIST = 1_000;

/** One event of an enrolment as evaluation reads it: its state, its id, and whether it is a certification. */
export interface TrainingEvent {
  data: EventData<typeof TrainingEnrolledV1>;
  eventId: string;
  certified: boolean;
}

/**
 * Per enrolment of a run, the state of its newest version (school, year, hours, whether they meet the
 * requirement), with `certified` when a certification is among its events (later events leave it).
 * The certification by the rule comes in the same write as the attendance that met the hours, so with
 * the same version: folded together, and applied at an equal version (`applyNewest`), it is not
 * mistaken for a duplicate.
 */
export function newestTrainingStates(events: readonly TrainingEvent[]): NewestState[] {
  const newest = new Map<string, NewestState>();
  for (const { data, eventId, certified } of events) {
    const known = newest.get(data.enrolmentId);
    if (known && known.version > data.version) {
      if (certified) known.set['certified'] = true;
      continue;
    }
    newest.set(data.enrolmentId, {
      _id: data.enrolmentId,
      version: data.version,
      eventId,
      set: {
        unitId: data.unitId,
        year: data.year,
        hours: data.hours,
        requiredHours: data.requiredHours,
        completed: data.hours >= data.requiredHours,
        ...(certified || known?.set['certified'] === true ? { certified: true } : {}),
      },
    });
  }
  return [...newest.values()];
}

/**
 * The derived indicators' facts (applied from events) and their explanation (read when asked, so a
 * late report or a new member record moves the score as soon as its event is applied).
 */
@Injectable()
export class DerivedFactsService {
  constructor(
    @InjectModel(REPORT_FACT_MODEL) private readonly reports: Model<ReportFact>,
    @InjectModel(MEMBER_FACT_MODEL) private readonly members: Model<MemberFact>,
    @InjectModel(TRAINING_FACT_MODEL) private readonly trainings: Model<TrainingFact>,
  ) {}

  private base(data: Pick<EventData<typeof ReportExpectedV1>, 'partyOrgId' | 'unitId' | 'periodId'>) {
    return { partyOrgId: data.partyOrgId, unitId: data.unitId, periodId: data.periodId, year: yearOf(data.periodId) };
  }

  /** 应报: a report is expected; its outcome stays what a later event made it. */
  async expected(data: EventData<typeof ReportExpectedV1>): Promise<void> {
    await this.reports.updateOne(
      { _id: data.reportId },
      {
        $setOnInsert: { ...this.base(data), outcome: 'pending', submittedAt: null },
        $set: { unitPath: data.unitPath, dueAt: new Date(data.dueAt) },
      },
      { upsert: true },
    );
  }

  /** 首次报送: on time or late, as reporting classed it at the first submission (final). */
  async submitted(data: EventData<typeof ReportSubmittedV1>): Promise<void> {
    await this.reports.updateOne(
      { _id: data.reportId },
      {
        $setOnInsert: { ...this.base(data), dueAt: null },
        $set: { unitPath: data.unitPath, outcome: data.timeliness, submittedAt: new Date(data.submittedAt) },
      },
      { upsert: true },
    );
  }

  /** 截止未报: missing, unless a submission was applied already (then it stays on time or late). */
  async overdue(data: EventData<typeof ReportOverdueV1>): Promise<void> {
    await this.reports.updateOne(
      { _id: data.reportId },
      {
        $setOnInsert: { ...this.base(data), outcome: 'pending', submittedAt: null },
        $set: { unitPath: data.unitPath, dueAt: new Date(data.dueAt) },
      },
      { upsert: true },
    );
    await this.reports.updateOne({ _id: data.reportId, outcome: 'pending' }, { $set: { outcome: 'missing' } });
  }

  /** A member record's state (registered, a milestone, a transfer): the newest version wins. */
  member(data: EventData<typeof MemberRegisteredV1>, eventId: string): Promise<ApplyResult> {
    return applyOnce(this.members.collection, {
      _id: data.memberId,
      eventId,
      version: data.version,
      update: {
        $set: {
          partyOrgId: data.partyOrgId,
          unitId: data.unitId,
          status: data.status,
          milestoneCount: data.milestoneCount,
          flaggedRuleCount: data.flaggedRuleCount,
        },
      },
    });
  }

  /** A run of enrolment states (enrolled, attended, assessed, certified; one partition, in order): one write per enrolment. */
  async trainingRun(events: readonly TrainingEvent[]): Promise<void> {
    await applyNewest(this.trainings.collection, newestTrainingStates(events));
  }

  /** Ids of the member files of the branches of these units (ids only: the population of a spot check). */
  async memberFiles(unitIds: string[]): Promise<string[]> {
    if (unitIds.length === 0) return [];
    const rows = await this.members.find({ unitId: { $in: unitIds } }, { _id: 1 }).lean<{ _id: string }[]>();
    return rows.map((r) => r._id);
  }

  /** Every derived metric of each party organisation for a year, explained. */
  async explainAll(orgs: PartyOrgKey[], year: number): Promise<Map<string, DerivedExplanation[]>> {
    const partyOrgIds = orgs.map((o) => o.partyOrgId);
    const unitIds = [...new Set(orgs.map((o) => o.unitId))];
    const periods = periodsOf(year);
    const ids = partyOrgIds.flatMap((po) => periods.map((p) => `${po}:${p}`));
    const facts: ReportFact[] = [];
    for (let i = 0; i < ids.length; i += ID_LIST) {
      facts.push(...(await this.reports.find({ _id: { $in: ids.slice(i, i + ID_LIST) } }).lean<ReportFact[]>()));
    }
    const members = partyOrgIds.length
      ? await this.members.find({ partyOrgId: { $in: partyOrgIds } }, { partyOrgId: 1, flaggedRuleCount: 1 }).lean<MemberFact[]>()
      : [];
    const trainings = unitIds.length
      ? await this.trainings.find({ unitId: { $in: unitIds }, year }, { unitId: 1, completed: 1, certified: 1 }).lean<TrainingFact[]>()
      : [];
    return new Map(
      orgs.map(({ partyOrgId, unitId }) => [
        partyOrgId,
        explain(
          facts.filter((f) => f.partyOrgId === partyOrgId),
          members.filter((m) => m.partyOrgId === partyOrgId),
          year,
          trainings.filter((t) => t.unitId === unitId),
        ),
      ]),
    );
  }

  async explain(org: PartyOrgKey, year: number): Promise<DerivedExplanation[]> {
    return (await this.explainAll([org], year)).get(org.partyOrgId) ?? [];
  }
}

/** The explanations from the facts: pure, so a rebuild from the same events explains the same. */
export function explain(
  reportFacts: ReportFact[],
  memberFacts: Pick<MemberFact, 'flaggedRuleCount'>[],
  year: number,
  trainingFacts: Pick<TrainingFact, 'completed' | 'certified'>[] = [],
): DerivedExplanation[] {
  const sorted = [...reportFacts].sort((a, b) => a.periodId.localeCompare(b.periodId));
  const count = (o: ReportOutcome) => sorted.filter((f) => f.outcome === o).length;
  const [onTime, late, missing, pending] = [count('on-time'), count('late'), count('missing'), count('pending')];
  const due = onTime + late + missing;
  const known = sorted.filter((f) => f.outcome !== 'pending');
  const periods = sorted.map((f) => ({
    periodId: f.periodId,
    outcome: f.outcome,
    ...(f.dueAt ? { dueAt: new Date(f.dueAt).toISOString() } : {}),
    submittedAt: f.submittedAt ? new Date(f.submittedAt).toISOString() : null,
  }));
  const sourceRange = { from: known[0]?.periodId ?? null, to: known.at(-1)?.periodId ?? null };
  const reportInputs = { expected: sorted.length, due, onTime, late, missing, pending };
  const rate = (n: number, d: number) => (d === 0 ? null : n / d);
  const reporting = (metric: DerivedMetric, numerator: number, formula: string): DerivedExplanation => ({
    metric,
    title: TITLES[metric],
    status: due === 0 ? 'no-data' : 'live',
    rate: rate(numerator, due),
    formula,
    inputs: reportInputs,
    periods,
    sourceRange,
    source: Topics.reportingReports,
  });
  const within = memberFacts.filter((m) => m.flaggedRuleCount === 0).length;
  const completed = trainingFacts.filter((t) => t.completed).length;
  const certified = trainingFacts.filter((t) => t.certified === true).length;
  const training = (metric: DerivedMetric, numerator: number, formula: string): DerivedExplanation => ({
    metric,
    title: TITLES[metric],
    status: trainingFacts.length === 0 ? 'no-data' : 'live',
    rate: rate(numerator, trainingFacts.length),
    formula,
    inputs: { enrolments: trainingFacts.length, completed, certified },
    sourceRange: { from: `${year}`, to: `${year}` },
    source: Topics.trainingRecords,
  });
  const byMetric: Record<DerivedMetric, DerivedExplanation> = {
    'reporting.on-time-rate': reporting('reporting.on-time-rate', onTime, 'onTime / due (due = onTime + late + missing) 按时数 / 已到期数'),
    'reporting.completeness': reporting('reporting.completeness', onTime + late, '(onTime + late) / due 已报数 / 已到期数'),
    'members.within-rules': {
      metric: 'members.within-rules',
      title: TITLES['members.within-rules'],
      status: memberFacts.length === 0 ? 'no-data' : 'live',
      rate: rate(within, memberFacts.length),
      formula: 'withinRules / records (records breaking no milestone rule) 未违反发展程序规则的记录数 / 记录数',
      inputs: { records: memberFacts.length, withinRules: within, flagged: memberFacts.length - within },
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

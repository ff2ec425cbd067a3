import type { Document } from 'mongodb';
import type {
  EventData,
  MemberRegisteredV1,
  MemberTransferredV1,
  ReportExpectedV1,
  ReportOverdueV1,
  ReportSubmittedV1,
  TrainingEnrolledV1,
} from '@pb/contracts';
import { applyOnceMany, type ApplyOnceInput, type WritableCollection } from '@pb/messaging';
import { bulkWriteInCommands, findByIds, type BulkCollection, type IdCollection } from '@pb/persistence';
import type { FactKeys, MemberFact, ReportFact, ReportOutcome, TallyKind, TrainingFact } from './facts.schema.js';

/** The 24 periods of a year, `YYYY-01-H1` to `YYYY-12-H2`. */
export function periodsOf(year: number): string[] {
  return Array.from({ length: 24 }, (_, i) => `${year}-${String(Math.floor(i / 2) + 1).padStart(2, '0')}-H${(i % 2) + 1}`);
}

const yearOf = (periodId: string) => Number(periodId.slice(0, 4));

/** The tally of a party organisation's reports of a year, of its member records, of a school's enrolments of a year. */
export const tallyId = {
  reports: (partyOrgId: string, year: number) => `reports:${partyOrgId}:${year}`,
  members: (partyOrgId: string) => `members:${partyOrgId}`,
  training: (unitId: string, year: number) => `training:${unitId}:${year}`,
};

export interface ReportCounts {
  expected: number;
  due: number;
  onTime: number;
  late: number;
  missing: number;
  pending: number;
}
export interface MemberCounts {
  records: number;
  withinRules: number;
  flagged: number;
}
export interface TrainingCounts {
  enrolments: number;
  completed: number;
  certified: number;
}
export interface SourceRange {
  from: string | null;
  to: string | null;
}
/** What the derived rates of one party organisation and year are computed from. */
export interface DerivedCounts {
  reports: { counts: ReportCounts; sourceRange: SourceRange };
  members: MemberCounts;
  training: TrainingCounts;
}

/** A party organisation's reports of a year as counts, and the first and last period with a known outcome. */
export function countReports(facts: readonly Pick<ReportFact, 'periodId' | 'outcome'>[]): DerivedCounts['reports'] {
  const count = (o: ReportOutcome) => facts.filter((f) => f.outcome === o).length;
  const [onTime, late, missing, pending] = [count('on-time'), count('late'), count('missing'), count('pending')];
  const known = facts
    .filter((f) => f.outcome !== 'pending')
    .map((f) => f.periodId)
    .sort();
  return {
    counts: { expected: facts.length, due: onTime + late + missing, onTime, late, missing, pending },
    sourceRange: { from: known[0] ?? null, to: known.at(-1) ?? null },
  };
}

export function countMembers(facts: readonly Pick<MemberFact, 'flaggedRuleCount'>[]): MemberCounts {
  const withinRules = facts.filter((m) => m.flaggedRuleCount === 0).length;
  return { records: facts.length, withinRules, flagged: facts.length - withinRules };
}

export function countTraining(facts: readonly Pick<TrainingFact, 'completed' | 'certified'>[]): TrainingCounts {
  return {
    enrolments: facts.length,
    completed: facts.filter((t) => t.completed).length,
    certified: facts.filter((t) => t.certified === true).length,
  };
}

/**
 * Per enrolment of a run, one write of the state of its newest version (school, year, hours, whether
 * they meet the requirement), with `certified` when a certification is among its events (later events
 * leave it). The certification by the rule comes in the same write as the attendance that met the
 * hours, so with the same version: folded together, and applied at an equal version
 * (`sameVersion: 'apply'`, the state is the same), it is not mistaken for a duplicate.
 */
export function newestTrainingStates(events: readonly TrainingEvent[]): ApplyOnceInput[] {
  const newest = new Map<string, { version: number; eventId: string; set: Document }>();
  for (const { data, eventId, certified } of events) {
    const known = newest.get(data.enrolmentId);
    if (known && known.version > data.version) {
      if (certified) known.set['certified'] = true;
      continue;
    }
    newest.set(data.enrolmentId, {
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
  return [...newest].map(([_id, { version, eventId, set }]) => ({
    _id,
    version,
    eventId,
    sameVersion: 'apply' as const,
    update: { $set: set },
  }));
}

/** One of `reporting.reports.v1`'s events, as the consumer hands a run of them over. */
export type ReportEvent =
  | { type: 'expected'; data: EventData<typeof ReportExpectedV1> }
  | { type: 'submitted'; data: EventData<typeof ReportSubmittedV1> }
  | { type: 'overdue'; data: EventData<typeof ReportOverdueV1> };
/** An enrolment's state from one of `training.records.v1`'s events; `certified` for the certification. */
export interface TrainingEvent {
  data: EventData<typeof TrainingEnrolledV1>;
  eventId: string;
  certified: boolean;
}
/** A member record's state from one of `orgs.members.v1`'s events. */
export interface MemberEvent {
  data: EventData<typeof MemberRegisteredV1> & Partial<Pick<EventData<typeof MemberTransferredV1>, 'fromPartyOrgId'>>;
  eventId: string;
}

export type Tally = { _id: string; counts: Record<string, number>; sourceRange?: SourceRange };

/** The tallies a run recounted: what the score-table rows follow (`AssessmentsService.refreshTouched`). */
export interface TouchedKeys {
  reports: { partyOrgId: string; year: number }[];
  members: string[];
  training: { unitId: string; year: number }[];
}

/** The driver collections of evaluation's derived facts and tallies (a mongoose model's `collection`). */
export interface DerivedCollections {
  reports: IdCollection & BulkCollection;
  members: IdCollection & BulkCollection & WritableCollection;
  trainings: IdCollection & BulkCollection & WritableCollection;
  tallies: IdCollection & BulkCollection;
  factKeys: IdCollection & BulkCollection;
}

/**
 * The derived indicators' writes, applied from runs of events: each run writes its facts (idempotent:
 * state the events carry, version-guarded where events carry a version), then recounts the tally of
 * every key it touched from that key's facts, so a late report or a new certification moves the score
 * as soon as its run is applied, and a run applied twice, or the topics replayed into an empty
 * database, leave the same tallies. Reads are by `_id` only. Plain driver calls, no framework: the
 * service applies runs with it, and the evaluation benchmark's bare consumer applies the same writes.
 */
export class DerivedFactsWriter {
  constructor(private readonly c: DerivedCollections) {}

  /**
   * 应报、报送、截止未报: a run of report events as ordered writes of their facts (expected: pending;
   * submitted: on time or late, as reporting classed the first submission, final; overdue: missing
   * unless a submission was applied already), then the tallies of the party organisations and years.
   */
  async applyReports(events: readonly ReportEvent[]): Promise<TouchedKeys> {
    await bulkWriteInCommands(this.c.reports, events.flatMap(reportWrites));
    const keys = new Map(events.map(({ data }) => [tallyId.reports(data.partyOrgId, yearOf(data.periodId)), data]));
    const ids = [...keys.values()].flatMap((d) => periodsOf(yearOf(d.periodId)).map((p) => `${d.partyOrgId}:${p}`));
    const byKey = groupBy(await findByIds<ReportFact>(this.c.reports, ids), (f) => tallyId.reports(f.partyOrgId, f.year));
    await this.writeTallies(
      'reports',
      [...keys.keys()].map((_id) => {
        const { counts, sourceRange } = countReports(byKey.get(_id) ?? []);
        return { _id, counts: { ...counts }, sourceRange };
      }),
    );
    const reports = [...keys.values()].map((d) => ({ partyOrgId: d.partyOrgId, year: yearOf(d.periodId) }));
    return { reports, members: [], training: [] };
  }

  /**
   * An enrolment's state (enrolled, attended, assessed, certified): the newest version wins; a
   * certification stays. A run is folded first into one write per enrolment (`newestTrainingStates`).
   */
  async applyTraining(events: readonly TrainingEvent[]): Promise<TouchedKeys> {
    await applyOnceMany(this.c.trainings, newestTrainingStates(events));
    const keys = groupBy(events, ({ data }) => tallyId.training(data.unitId, data.year));
    const facts = await this.factsUnder<TrainingFact>(
      this.c.trainings,
      new Map([...keys].map(([key, list]) => [key, list.map((e) => e.data.enrolmentId)])),
      { unitId: 1, year: 1, completed: 1, certified: 1 },
    );
    const byKey = groupBy(facts, (f) => tallyId.training(f.unitId, f.year));
    await this.writeTallies(
      'training',
      [...keys.keys()].map((_id) => ({ _id, counts: { ...countTraining(byKey.get(_id) ?? []) } })),
    );
    const training = [...keys.values()].map(([{ data }]) => ({ unitId: data.unitId, year: data.year }));
    return { reports: [], members: [], training };
  }

  /**
   * A member record's state (registered, a milestone, a transfer): the newest version wins. A
   * transfer recounts the branch it left (`fromPartyOrgId`) as well as the one it joined.
   */
  async applyMembers(events: readonly MemberEvent[]): Promise<TouchedKeys> {
    await applyOnceMany(
      this.c.members,
      events.map(({ data, eventId }) => ({
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
      })),
    );
    const keys = new Map<string, string[]>();
    for (const { data } of events) {
      keys.set(tallyId.members(data.partyOrgId), [...(keys.get(tallyId.members(data.partyOrgId)) ?? []), data.memberId]);
      if (data.fromPartyOrgId) keys.set(tallyId.members(data.fromPartyOrgId), keys.get(tallyId.members(data.fromPartyOrgId)) ?? []);
    }
    const facts = await this.factsUnder<MemberFact>(this.c.members, keys, { partyOrgId: 1, flaggedRuleCount: 1 });
    const byKey = groupBy(facts, (f) => tallyId.members(f.partyOrgId));
    await this.writeTallies(
      'members',
      [...keys.keys()].map((_id) => ({ _id, counts: { ...countMembers(byKey.get(_id) ?? []) } })),
    );
    const members = [...new Set(events.flatMap(({ data }) => [data.partyOrgId, ...(data.fromPartyOrgId ? [data.fromPartyOrgId] : [])]))];
    return { reports: [], members, training: [] };
  }

  /** Adds `added` to each key's fact ids, then reads every fact under the keys (by `_id`). */
  private async factsUnder<T>(collection: IdCollection, added: Map<string, string[]>, projection: Record<string, 1>): Promise<T[]> {
    const adds = [...added].filter(([, ids]) => ids.length > 0);
    await bulkWriteInCommands(
      this.c.factKeys,
      adds.map(([_id, ids]) => ({
        updateOne: { filter: { _id }, update: { $addToSet: { ids: { $each: [...new Set(ids)] } } }, upsert: true },
      })),
      { ordered: false },
    );
    const keyDocs = await findByIds<FactKeys>(this.c.factKeys, [...added.keys()]);
    return findByIds<T>(
      collection,
      keyDocs.flatMap((k) => k.ids),
      projection,
    );
  }

  private async writeTallies(kind: TallyKind, tallies: Tally[]): Promise<void> {
    await bulkWriteInCommands(
      this.c.tallies,
      tallies.map(({ _id, counts, sourceRange }) => ({
        updateOne: { filter: { _id }, update: { $set: { kind, counts, ...(sourceRange ? { sourceRange } : {}) } }, upsert: true },
      })),
      { ordered: false },
    );
  }
}

/** The writes of one report event: upserts of state the event carries, so applying it again changes nothing. */
export function reportWrites(event: ReportEvent): Document[] {
  const { data } = event;
  const base = { partyOrgId: data.partyOrgId, unitId: data.unitId, periodId: data.periodId, year: yearOf(data.periodId) };
  const upsert = (update: Document, filter: Document = { _id: data.reportId }) => ({ updateOne: { filter, update, upsert: true } });
  switch (event.type) {
    case 'expected':
      return [
        upsert({
          $setOnInsert: { ...base, outcome: 'pending', submittedAt: null },
          $set: { unitPath: data.unitPath, dueAt: new Date(event.data.dueAt) },
        }),
      ];
    case 'submitted':
      return [
        upsert({
          $setOnInsert: { ...base, dueAt: null },
          $set: { unitPath: data.unitPath, outcome: event.data.timeliness, submittedAt: new Date(event.data.submittedAt) },
        }),
      ];
    case 'overdue':
      return [
        upsert({
          $setOnInsert: { ...base, outcome: 'pending', submittedAt: null },
          $set: { unitPath: data.unitPath, dueAt: new Date(event.data.dueAt) },
        }),
        { updateOne: { filter: { _id: data.reportId, outcome: 'pending' }, update: { $set: { outcome: 'missing' } } } },
      ];
  }
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

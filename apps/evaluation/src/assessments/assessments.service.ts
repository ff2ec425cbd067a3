import { Injectable, type OnModuleInit } from '@nestjs/common';
import {
  AssessmentLockedV1,
  AssessmentScoredV1,
  SCHEME_KINDS,
  type BureauScoresDto,
  type ModerationDto,
  type SchemeKind,
  type SelfAssessmentDto,
} from '@pb/contracts';
import { OutboxRelay, pendingEvent, type OutboxEvent } from '@pb/messaging';
import { findByIds, insertOrFail } from '@pb/persistence';
import {
  auditWriteEvent,
  checkIfMatch,
  Clock,
  InjectScopedModel,
  OrgUnitDirectory,
  pageOf,
  PartyOrgDirectory,
  problem,
  reviewersOf,
  Scope,
  type FieldProblem,
  type Identity,
  type Page,
  type PageRequest,
  type PartyOrgRef,
  type ScopedModel,
} from '@pb/platform';
import { DerivedFactsService } from '../derived/derived-facts.service.js';
import type { TouchedKeys } from '../derived/derived-facts.writer.js';
import type { Scheme } from '../schemes/scheme.schema.js';
import { indicatorsOf, SchemesService } from '../schemes/schemes.service.js';
import {
  ASSESSMENT_MODEL,
  assessmentId,
  type Assessment,
  type AssessmentHistoryEntry,
  type AssessmentStatus,
  type GivenScore,
} from './assessment.schema.js';
import { boardKeys, ScoreBoards, type BoardRow } from './score-board.js';
import { scoreAssessment, type Scored } from './scoring.js';

const SYSTEM = Scope.system('evaluation: the outbox of assessments');
export const PARTY_ORG_NOT_FOUND = { zh: '找不到党组织', en: 'Party organisation not found' };

/** What callers read of an assessment: its scores as they stand, never its outbox or raw score lists. */
export type AssessmentView = Pick<
  Assessment,
  'kind' | 'year' | 'partyOrgId' | 'unitId' | 'status' | 'schemeVersion' | 'reviewers' | 'version'
> &
  Pick<Scored, 'groups' | 'total' | 'grade'> & { id: string; history: AssessmentHistoryEntry[] };

export interface ScoreRow {
  partyOrgId: string;
  unitId: string;
  status: AssessmentStatus;
  schemeVersion: number | null;
  total: number;
  grade: Scored['grade'];
}

type Key = { kind: SchemeKind; year: number; partyOrgId: string };
/** One change: the fields it sets, its history entry, whether it changes the score analysts see. */
interface Change {
  set: Partial<Pick<Assessment, 'status' | 'self' | 'bureauScores' | 'moderated' | 'locked'>>;
  entry?: AssessmentHistoryEntry;
  action: string;
  event?: 'scored' | 'locked';
}

const conflict = (zh: string, en: string) => problem.conflict({ zh, en });
const notReviewer = () =>
  problem.forbidden({ zh: '您的单位不是该党组织的评分主管局', en: 'Your unit does not score this party organisation' });

/**
 * 年度考核 The assessment cycle of a party organisation: the school's self-assessment with evidence,
 * the supervising bureau's scores (both levels' where the affiliation says both), the city's
 * moderation, the lock. Every change is one versioned write of the assessment with its events.
 */
@Injectable()
export class AssessmentsService implements OnModuleInit {
  constructor(
    @InjectScopedModel(ASSESSMENT_MODEL) private readonly assessments: ScopedModel<Assessment>,
    private readonly schemes: SchemesService,
    private readonly facts: DerivedFactsService,
    private readonly partyOrgs: PartyOrgDirectory,
    private readonly units: OrgUnitDirectory,
    private readonly relay: OutboxRelay,
    private readonly clock: Clock,
    private readonly boards: ScoreBoards,
  ) {}

  onModuleInit() {
    this.relay.register(this.assessments.unscoped(SYSTEM));
  }

  /** A party organisation of the caller's subtree, or 404. */
  async partyOrgInScope(partyOrgId: string, caller: Identity): Promise<PartyOrgRef> {
    return Scope.of(caller).require(await this.partyOrgs.partyOrg(partyOrgId), (p) => p.unitPath, PARTY_ORG_NOT_FOUND);
  }

  private async reviewers(partyOrg: PartyOrgRef): Promise<string[]> {
    const [bureaus] = await this.units.bureausOnPaths([partyOrg.unitPath]);
    return reviewersOf(partyOrg, bureaus ?? []);
  }

  /** The assessment (or a new one, not yet written) of a party organisation of the caller's subtree. */
  private async load(key: Key, caller: Identity): Promise<{ doc: Assessment; stored: boolean }> {
    const partyOrg = await this.partyOrgInScope(key.partyOrgId, caller);
    const found = await this.assessments.lookup(Scope.of(caller), assessmentId(key.kind, key.year, key.partyOrgId));
    const reviewers = found?.status === 'locked' ? found.reviewers : await this.reviewers(partyOrg);
    if (found) return { doc: { ...found, reviewers }, stored: true };
    const doc: Assessment = {
      _id: assessmentId(key.kind, key.year, key.partyOrgId),
      kind: key.kind,
      year: key.year,
      partyOrgId: partyOrg._id,
      unitId: partyOrg.unitId,
      unitPath: partyOrg.unitPath,
      reviewers,
      status: 'open',
      schemeVersion: null,
      self: [],
      bureauScores: [],
      moderated: [],
      history: [],
      locked: null,
      version: 0,
      outbox: [],
    };
    return { doc, stored: false };
  }

  private schemeOf(doc: Pick<Assessment, 'kind' | 'year' | 'schemeVersion'>): Promise<Scheme> {
    return this.schemes.version(doc.kind, doc.year, doc.schemeVersion ?? undefined);
  }

  private async scored(doc: Assessment, scheme?: Scheme): Promise<Scored> {
    const derived = doc.locked?.derived ?? (await this.facts.explain(doc, doc.year));
    return scoreAssessment(scheme ?? (await this.schemeOf(doc)), doc, derived);
  }

  async view(doc: Assessment): Promise<AssessmentView> {
    const scored = await this.scored(doc);
    return {
      id: doc._id,
      kind: doc.kind,
      year: doc.year,
      partyOrgId: doc.partyOrgId,
      unitId: doc.unitId,
      status: doc.status,
      schemeVersion: doc.schemeVersion,
      reviewers: doc.reviewers,
      groups: scored.groups,
      total: doc.locked?.total ?? scored.total,
      grade: doc.locked?.grade ?? scored.grade,
      history: doc.history,
      version: doc.version,
    };
  }

  async get(key: Key, caller: Identity): Promise<AssessmentView> {
    return this.view((await this.load(key, caller)).doc);
  }

  /**
   * Writes one change guarded by the version read (409 when it moved), with its history entry, its
   * event for analysts and its audit record in the same single-document write. The first change fixes
   * the scheme version the scores are made under (and marks that version as scored).
   */
  private async commit(
    loaded: { doc: Assessment; stored: boolean },
    change: Change,
    caller: Identity,
    correlationId?: string,
  ): Promise<AssessmentView> {
    const { doc, stored } = loaded;
    const schemeVersion = doc.schemeVersion!;
    const version = doc.version + 1;
    const next: Assessment = {
      ...doc,
      ...change.set,
      schemeVersion,
      version,
      history: change.entry ? [...doc.history, change.entry] : doc.history,
      outbox: [],
    };
    const scored = await this.scored(next);
    const events: OutboxEvent[] = [];
    if (change.event) {
      const data = {
        assessmentId: doc._id,
        kind: doc.kind,
        year: doc.year,
        partyOrgId: doc.partyOrgId,
        unitId: doc.unitId,
        unitPath: doc.unitPath,
        schemeVersion,
        status: next.status as Exclude<AssessmentStatus, 'open'>,
        total: next.locked?.total ?? scored.total,
        grade: next.locked?.grade ?? scored.grade,
        version,
      };
      const common = { key: doc.unitId, subject: `assessments/${doc._id}`, ...(correlationId ? { correlationId } : {}) };
      events.push(
        change.event === 'locked'
          ? pendingEvent(AssessmentLockedV1, {
              ...common,
              data: { ...data, groups: scored.groups.map((g) => ({ key: g.key, weight: g.weight, score: g.score })) },
            })
          : pendingEvent(AssessmentScoredV1, { ...common, data }),
      );
    }
    const changed = Object.keys(change.set) as (keyof Change['set'])[];
    events.push(
      auditWriteEvent({
        service: 'evaluation',
        actor: caller,
        action: `assessment.${change.action}`,
        resourceType: 'assessment',
        resourceId: doc._id,
        unitId: doc.unitId,
        before: { ...Object.fromEntries(changed.map((k) => [k, doc[k] ?? null])), version: doc.version },
        after: { ...Object.fromEntries(changed.map((k) => [k, next[k] ?? null])), version },
        ...(correlationId ? { correlationId } : {}),
      }),
    );
    const stale = () => conflict('考核刚被修改，请重新读取后再试', 'The assessment changed meanwhile; read it again and retry');
    if (!stored) {
      await insertOrFail(() => this.assessments.unscoped(SYSTEM).create({ ...next, outbox: events }), stale);
    } else {
      const { matchedCount } = await this.assessments.updateOne(
        Scope.of(caller),
        { _id: doc._id, version: doc.version },
        {
          $set: { ...change.set, reviewers: next.reviewers, schemeVersion, version, history: next.history },
          $push: { outbox: { $each: events } },
        },
      );
      if (matchedCount !== 1) throw stale();
    }
    this.relay.nudge();
    // Its score-table row; should the process stop before it, the assessment's own events (or, for a
    // self-assessment saved without one, its next change) write it again.
    await this.boards.put([rowOf(next, next.locked ?? scored)]);
    return this.view(next);
  }

  private async writable(key: Key, caller: Identity, ifMatch: string | undefined) {
    const loaded = await this.load(key, caller);
    checkIfMatch(ifMatch, loaded.doc.version);
    if (loaded.doc.status === 'locked') throw conflict('考核结果已锁定', 'The assessment is locked');
    // The first write fixes the scheme version its scores are made under, and marks that version as scored.
    const schemeVersion = loaded.doc.schemeVersion ?? (await this.schemes.startScoring(loaded.doc.kind, loaded.doc.year)).schemeVersion;
    return { ...loaded, doc: { ...loaded.doc, schemeVersion } };
  }

  /** Scores checked against the scheme the assessment scores under: known indicators, manual unless moderated, within the maximum. */
  private async checkScores(
    doc: Assessment,
    scores: { indicator: string; score: number }[],
    pointer: string,
    options: { derivedAllowed: boolean },
  ): Promise<void> {
    const indicators = indicatorsOf(await this.schemeOf(doc));
    const errors: FieldProblem[] = [];
    scores.forEach((s, i) => {
      const ind = indicators.get(s.indicator);
      if (!ind) {
        errors.push({
          pointer: `${pointer}/${i}/indicator`,
          rule: 'indicator',
          message: { zh: `方案中没有指标 ${s.indicator}`, en: `The scheme has no indicator ${s.indicator}` },
        });
      } else if (ind.rule.type === 'derived' && !options.derivedAllowed) {
        errors.push({
          pointer: `${pointer}/${i}/indicator`,
          rule: 'manual',
          message: { zh: `指标 ${s.indicator} 由数据自动计分`, en: `Indicator ${s.indicator} is derived from the data` },
        });
      } else if (s.score > ind.max) {
        errors.push({
          pointer: `${pointer}/${i}/score`,
          rule: 'maximum',
          message: { zh: `超出满分 ${ind.max}`, en: `Over the maximum ${ind.max}` },
        });
      }
    });
    if (errors.length) throw problem.ruleViolation({ zh: '评分不符合考核方案', en: 'The scores break the scheme' }, errors);
  }

  private given<T extends { indicator: string; score: number; comment?: string }>(
    scores: T[],
    caller: Identity,
    at: Date,
  ): (T & GivenScore)[] {
    return scores.map((s) => ({ ...s, by: caller.sub, at }));
  }

  /** 自评 The school saves its self-assessment (manual indicators, with evidence) while open or returned. */
  async saveSelf(key: Key, body: SelfAssessmentDto, caller: Identity, ifMatch?: string, correlationId?: string) {
    const loaded = await this.writable(key, caller, ifMatch);
    if (!['open', 'returned'].includes(loaded.doc.status))
      throw conflict('自评已提交，不能修改', 'The self-assessment was submitted and cannot change');
    await this.checkScores(loaded.doc, body.scores, '/scores', { derivedAllowed: false });
    return this.commit(
      loaded,
      { set: { self: this.given(body.scores, caller, this.clock.now()) }, action: 'self-saved' },
      caller,
      correlationId,
    );
  }

  /** 提交自评 to the scoring bureau(s). */
  async submitSelf(key: Key, caller: Identity, ifMatch?: string, correlationId?: string) {
    const loaded = await this.writable(key, caller, ifMatch);
    if (!['open', 'returned'].includes(loaded.doc.status)) throw conflict('自评已提交', 'The self-assessment was submitted already');
    const entry: AssessmentHistoryEntry = { action: 'self-submitted', by: caller.sub, at: this.clock.now(), scores: loaded.doc.self };
    return this.commit(
      loaded,
      { set: { status: 'self-submitted' }, entry, action: 'self-submitted', event: 'scored' },
      caller,
      correlationId,
    );
  }

  /** 退回自评 A scoring bureau returns the self-assessment; its scores stay in the history. */
  async returnSelf(key: Key, comment: string, caller: Identity, ifMatch?: string, correlationId?: string) {
    const loaded = await this.writable(key, caller, ifMatch);
    if (!loaded.doc.reviewers.includes(caller.orgUnitId)) throw notReviewer();
    if (!['self-submitted', 'scored'].includes(loaded.doc.status))
      throw conflict('没有待审的自评', 'There is no submitted self-assessment');
    const entry: AssessmentHistoryEntry = {
      action: 'returned',
      by: caller.sub,
      at: this.clock.now(),
      bureauId: caller.orgUnitId,
      comment,
      scores: loaded.doc.self,
    };
    return this.commit(loaded, { set: { status: 'returned' }, entry, action: 'returned', event: 'scored' }, caller, correlationId);
  }

  /** 主管局评分 A bureau the affiliation names scores manual indicators; its earlier scores of them stay in the history. */
  async bureauScores(key: Key, body: BureauScoresDto, caller: Identity, ifMatch?: string, correlationId?: string) {
    const loaded = await this.writable(key, caller, ifMatch);
    const { doc } = loaded;
    if (!doc.reviewers.includes(caller.orgUnitId)) throw notReviewer();
    await this.checkScores(doc, body.scores, '/scores', { derivedAllowed: false });
    const at = this.clock.now();
    const scores = this.given(body.scores, caller, at).map((s) => ({ ...s, bureauId: caller.orgUnitId }));
    const entry: AssessmentHistoryEntry = { action: 'bureau-scored', by: caller.sub, at, bureauId: caller.orgUnitId, scores };
    return this.commit(
      loaded,
      {
        set: { bureauScores: [...doc.bureauScores, ...scores], status: doc.status === 'moderated' ? 'moderated' : 'scored' },
        entry,
        action: 'bureau-scored',
        event: 'scored',
      },
      caller,
      correlationId,
    );
  }

  /** 市局审定 The city moderates: its scores override the bureaus' (and a derived score), with a comment. */
  async moderate(key: Key, body: ModerationDto, caller: Identity, ifMatch?: string, correlationId?: string) {
    const loaded = await this.writable(key, caller, ifMatch);
    const scores = body.scores ?? [];
    await this.checkScores(loaded.doc, scores, '/scores', { derivedAllowed: true });
    const at = this.clock.now();
    const given = this.given(scores, caller, at);
    const entry: AssessmentHistoryEntry = { action: 'moderated', by: caller.sub, at, comment: body.comment, scores: given };
    return this.commit(
      loaded,
      { set: { moderated: [...loaded.doc.moderated, ...given], status: 'moderated' }, entry, action: 'moderated', event: 'scored' },
      caller,
      correlationId,
    );
  }

  /** 锁定 The city locks: derived scores are fixed with their explanation, the total and grade are final. */
  async lock(key: Key, caller: Identity, ifMatch?: string, correlationId?: string) {
    const loaded = await this.writable(key, caller, ifMatch);
    const at = this.clock.now();
    const derived = await this.facts.explain(loaded.doc, loaded.doc.year);
    const scored = scoreAssessment(await this.schemeOf(loaded.doc), loaded.doc, derived);
    const entry: AssessmentHistoryEntry = { action: 'locked', by: caller.sub, at };
    return this.commit(
      loaded,
      {
        set: { status: 'locked', locked: { by: caller.sub, at, derived, total: scored.total, grade: scored.grade } },
        entry,
        action: 'locked',
        event: 'locked',
      },
      caller,
      correlationId,
    );
  }

  /**
   * 得分表 The assessments of a kind and year under a unit of the caller's subtree: ids, totals, grades,
   * from the score boards (one document per county), kept by every assessment write and every run of
   * derived events.
   */
  async scoreTable(kind: SchemeKind, year: number, unit: string | undefined, caller: Identity, page: PageRequest): Promise<Page<ScoreRow>> {
    const scope = Scope.of(caller);
    const root = await scope.unit(unit, this.units.pathOf);
    const path = (await this.units.pathOf(root)) ?? [root];
    const buckets =
      path.length === 1
        ? [root, ...(await this.units.subtreeIds(root, 'county-bureau')), ...(await this.units.subtreeIds(root, 'unit'))]
        : [path[0], path[1]];
    const after = page.after?.[0];
    const rows = (await this.boards.rowsUnder(kind, year, buckets, root)).filter((r) => typeof after !== 'string' || r.id > after);
    const paged = pageOf(rows.slice(0, page.limit + 1), page.limit, (r) => [r.id]);
    return {
      ...paged,
      items: paged.items.map(({ partyOrgId, unitId, status, schemeVersion, total, grade }) => ({
        partyOrgId,
        unitId,
        status,
        schemeVersion,
        total,
        grade,
      })),
    };
  }

  /** Writes again the score-table rows of these assessments (those that exist) from the assessments and the tallies. */
  async refreshRows(ids: readonly string[]): Promise<void> {
    const docs = await findByIds<Assessment>(this.assessments.unscoped(SYSTEM).collection, ids, { outbox: 0, history: 0 });
    const rows: Parameters<ScoreBoards['put']>[0][number][] = [];
    for (const [year, ofYear] of groupByYear(docs)) {
      const live = await this.facts.explainAll(
        ofYear.filter((d) => !d.locked),
        year,
      );
      const schemes = new Map<string, Scheme>();
      for (const d of ofYear) {
        const key = `${d.kind}:${d.schemeVersion}`;
        let scheme = schemes.get(key);
        if (!scheme) schemes.set(key, (scheme = await this.schemeOf(d)));
        rows.push(rowOf(d, d.locked ?? scoreAssessment(scheme, d, live.get(d.partyOrgId) ?? [])));
      }
    }
    await this.boards.put(rows);
  }

  /** The rows a run of derived events moved: the assessments of the party organisations and schools whose tallies it recounted. */
  async refreshTouched(touched: TouchedKeys): Promise<void> {
    const keys = await this.boards.keys([
      ...touched.members.map(boardKeys.years),
      ...touched.training.map((t) => boardKeys.partyOrgs(t.unitId)),
    ]);
    const orgYears = [
      ...touched.reports,
      ...touched.members.flatMap((partyOrgId) =>
        (keys.get(boardKeys.years(partyOrgId)) ?? []).map((y) => ({ partyOrgId, year: Number(y) })),
      ),
      ...touched.training.flatMap(({ unitId, year }) =>
        (keys.get(boardKeys.partyOrgs(unitId)) ?? []).map((partyOrgId) => ({ partyOrgId, year })),
      ),
    ];
    const ids = orgYears.flatMap(({ partyOrgId, year }) => SCHEME_KINDS.map((kind) => assessmentId(kind, year, partyOrgId)));
    if (ids.length > 0) await this.refreshRows(ids);
  }

  /** After a scheme change: the rows of its kind and year (those scored under the current version move). */
  async refreshScheme(kind: SchemeKind, year: number): Promise<void> {
    const ids = await this.assessments.unscoped(SYSTEM).find({ kind, year }, { _id: 1 }).lean<{ _id: string }[]>();
    for (let i = 0; i < ids.length; i += 1_000) await this.refreshRows(ids.slice(i, i + 1_000).map((d) => d._id));
  }
}

function rowOf(doc: Assessment, scored: Pick<Scored, 'total' | 'grade'>): BoardRow & { kind: SchemeKind; year: number } {
  return {
    kind: doc.kind,
    year: doc.year,
    id: doc._id,
    partyOrgId: doc.partyOrgId,
    unitId: doc.unitId,
    unitPath: doc.unitPath,
    status: doc.status,
    schemeVersion: doc.schemeVersion,
    total: scored.total,
    grade: scored.grade,
  };
}

function groupByYear(docs: readonly Assessment[]): Map<number, Assessment[]> {
  const byYear = new Map<number, Assessment[]>();
  for (const d of docs) byYear.set(d.year, [...(byYear.get(d.year) ?? []), d]);
  return byYear;
}

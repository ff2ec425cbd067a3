import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Collection } from 'mongoose';
import {
  ReportAcceptedV1,
  ReportExpectedV1,
  ReportReturnedV1,
  ReportRevisedV1,
  ReportSubmittedV1,
  type HalfMonthReportContent,
  type ReviewReportDto,
} from '@pb/contracts';
import { OutboxRelay, type OutboxEvent } from '@pb/messaging';
import { insertNew } from '@pb/persistence';
import {
  auditWriteEvent,
  checkIfMatch,
  Clock,
  etagOf,
  idempotencyKeyReused,
  IdempotentAnswers,
  pageOf,
  type IdempotencyRequest,
  type IdempotentAnswer,
  type Page,
  type PageRequest,
  InjectScopedModel,
  notFoundProblem,
  OrgUnitDirectory,
  PartyOrgDirectory,
  reviewersOf,
  type PartyOrgRef,
  Scope,
  type Identity,
  type ScopedModel,
  problem,
  isProblem,
} from '@pb/platform';
import { CalendarService, type CityCalendar } from '../calendar/calendar.service.js';
import { reportEvent } from './report-event.js';
import { ReportPeriod } from '../periods/report-period.js';
import {
  HALF_MONTH_REPORT_MODEL,
  REPORT_NOT_FOUND,
  type BureauReview,
  type HalfMonthReport,
  type PendingHistoryEntry,
} from './half-month-report.schema.js';
import { REPORT_HISTORY_MODEL, type ReportHistoryEntry } from './report-history.schema.js';

const notFound = () => notFoundProblem(REPORT_NOT_FOUND);
/** Reports are created for party organisations whose unit was checked (or by the scheduler), and relayed. */
const SYSTEM = Scope.system('reporting: expected reports and their outbox');
/** Fields of the report an audit record leaves out: bookkeeping, not the report's content or state. */
/**
 * History entries a report may hold before its next write moves them to the history collection (a
 * history read moves them at once): a submission with its review decisions fits.
 */
export const HISTORY_BATCH = 4;
const UNAUDITED = new Set<keyof HalfMonthReport>(['submitKeys', 'pendingHistory', 'historyCount', 'updatedAt']);
const conflict = (zh: string, en: string, type: 'conflict' | 'locked' | 'stale' = 'conflict') => problem[type]({ zh, en });

/** What callers read of a report: never its outbox, its Idempotency-Keys or its history (paged apart). */
export type ReportView = Omit<HalfMonthReport, '_id' | 'outbox' | 'submitKeys' | 'pendingHistory' | 'historyCount' | 'revisions'> & {
  id: string;
  locked: boolean;
};

/** One entry of a report's history as callers read it (GET .../history). */
export type ReportHistoryView = Omit<ReportHistoryEntry, '_id' | 'reportId' | 'unitPath'>;

/** A new history entry, before the report's write numbers it. */
type NewHistoryEntry = Omit<PendingHistoryEntry, '_id' | 'seq'>;

/** A submission's outcome: the report as it now is, or the first answer of a retried key. */
export type SubmitOutcome = { report: ReportView } | { replay: IdempotentAnswer };

/** Keys remembered per report: far more than the retries of one deadline. */
const MAX_SUBMIT_KEYS = 20;

export function reportId(partyOrgId: string, periodId: string): string {
  return `${partyOrgId}:${periodId}`;
}

const historyId = (report: string, seq: number) => `${report}:${String(seq).padStart(6, '0')}`;

/** The periods a party organisation may start a report for without the scheduler having opened it for it. */
export function startablePeriods(now: Date, calendar: CityCalendar): [ReportPeriod, ReportPeriod] {
  const current = ReportPeriod.current(now, calendar);
  return [current, current.next()];
}

@Injectable()
export class ReportsService implements OnModuleInit {
  private readonly logger = new Logger('ReportsService');

  constructor(
    @InjectScopedModel(HALF_MONTH_REPORT_MODEL) private readonly reports: ScopedModel<HalfMonthReport>,
    @InjectScopedModel(REPORT_HISTORY_MODEL) private readonly history: ScopedModel<ReportHistoryEntry>,
    private readonly answers: IdempotentAnswers,
    private readonly relay: OutboxRelay,
    private readonly directory: PartyOrgDirectory,
    private readonly units: OrgUnitDirectory,
    private readonly calendar: CalendarService,
    private readonly clock: Clock,
  ) {}

  onModuleInit() {
    this.relay.register(this.reports.unscoped(SYSTEM));
  }

  view(doc: HalfMonthReport, calendar: CityCalendar, now = this.clock.now()): ReportView {
    const { _id, outbox: _o, submitKeys: _k, pendingHistory: _p, historyCount: _h, revisions: legacy, ...rest } = doc;
    return { id: _id, ...rest, revisionCount: doc.revisionCount ?? legacy?.length ?? 0, locked: this.isLocked(doc, calendar, now) };
  }

  /** Locked `lockAfterDays` after the deadline, unless a reviewing bureau granted an exception still running. */
  isLocked(doc: Pick<HalfMonthReport, 'dueAt' | 'lockExceptions' | 'status'>, calendar: CityCalendar, now: Date): boolean {
    if (doc.status === 'accepted') return true;
    const lockAt = doc.dueAt.getTime() + calendar.lockAfterDays * 86_400_000;
    if (now.getTime() < lockAt) return false;
    return !doc.lockExceptions.some((e) => e.until.getTime() > now.getTime());
  }

  /** A report the caller may see: its unit is in the caller's subtree. Else 404. */
  async get(partyOrgId: string, periodId: string, caller: Identity): Promise<ReportView> {
    const doc = await this.reports.get(Scope.of(caller), reportId(partyOrgId, periodId));
    return this.view(doc, await this.calendar.get());
  }

  /**
   * A report's history a page at a time, oldest first: its revisions (whole) and the bureaus' decisions.
   * Entries a write left in the report (a crash between the write and the move) are moved out first.
   */
  async historyPage(
    partyOrgId: string,
    periodId: string,
    caller: Identity,
    requested: () => PageRequest,
    kind?: 'revision' | 'review',
  ): Promise<Page<ReportHistoryView>> {
    const scope = Scope.of(caller);
    const id = reportId(partyOrgId, periodId);
    const doc = await this.migrated(await this.reports.get(scope, id, { outbox: 0, draft: 0 }));
    const page = requested();
    await this.moveHistory(doc);
    const after = page.after?.[0];
    const filter: Record<string, unknown> = { reportId: id };
    if (kind) filter['kind'] = kind;
    if (typeof after === 'number') filter['seq'] = { $gt: after };
    const rows = await this.history
      .find(scope, filter, { unitPath: 0, reportId: 0 })
      .sort({ seq: 1 })
      .limit(page.limit + 1)
      .lean<ReportHistoryEntry[]>();
    return pageOf(
      rows.map(({ _id: _i, reportId: _r, unitPath: _u, ...entry }) => entry),
      page.limit,
      (e) => [e.seq],
    );
  }

  /**
   * Moves the history entries a write left in the report to the history collection: inserted by their
   * fixed ids (a second move inserts nothing), then pulled from the report (the exact entries read).
   */
  private async moveHistory(doc: Pick<HalfMonthReport, '_id' | 'unitPath' | 'pendingHistory'>): Promise<void> {
    const pending = doc.pendingHistory ?? [];
    if (pending.length === 0) return;
    const entries = pending.map((e): ReportHistoryEntry => ({ ...e, reportId: doc._id, unitPath: doc.unitPath }));
    await insertNew(this.history.unscoped(SYSTEM).collection as unknown as Collection<ReportHistoryEntry>, entries);
    await this.reports.updateOne(SYSTEM, { _id: doc._id }, { $pullAll: { pendingHistory: pending } }, { timestamps: false });
  }

  /**
   * A report as this version keeps it: one written before the history left the report has its
   * revisions moved to the history first (fixed ids, so two replicas doing it at once agree).
   */
  private async migrated(doc: HalfMonthReport): Promise<HalfMonthReport> {
    if (!Array.isArray(doc.revisions)) return doc;
    const pendingHistory: PendingHistoryEntry[] = doc.revisions.map((r, i) => ({
      _id: historyId(doc._id, i + 1),
      seq: i + 1,
      kind: 'revision',
      revision: r.revision,
      at: r.submittedAt,
      by: r.submittedBy,
      content: r.content,
    }));
    const count = doc.revisions.length;
    const moved = { ...doc, pendingHistory, revisionCount: count, historyCount: count };
    await this.moveHistory(moved);
    await this.reports.updateOne(
      SYSTEM,
      { _id: doc._id, revisions: { $exists: true } },
      { $unset: { revisions: '' }, $set: { revisionCount: count, historyCount: count } },
      { timestamps: false },
    );
    const { revisions: _legacy, ...rest } = moved;
    return { ...rest, pendingHistory: [] };
  }

  /** The expected report of a party organisation for a period, created once (scheduler, new party org). */
  async expect(partyOrg: PartyOrgRef, period: ReportPeriod, calendar: CityCalendar): Promise<boolean> {
    return (await this.expectAll([partyOrg], period, calendar)) === 1;
  }

  /**
   * The expected reports of party organisations for a period, each with its `report.expected` event,
   * in one insert: those that exist already stay as they are. Returns how many it created.
   */
  async expectAll(partyOrgs: PartyOrgRef[], period: ReportPeriod, calendar: CityCalendar): Promise<number> {
    const window = period.window(calendar);
    const bureaus = await this.units.bureausOnPaths(partyOrgs.map((p) => p.unitPath));
    const docs = partyOrgs.map((partyOrg, i): HalfMonthReport => {
      const reviewers = reviewersOf(partyOrg, bureaus[i]);
      const id = reportId(partyOrg._id, period.id);
      const ref = { _id: id, partyOrgId: partyOrg._id, unitId: partyOrg.unitId, unitPath: partyOrg.unitPath, periodId: period.id };
      const event = reportEvent(ReportExpectedV1, ref, {
        opensAt: window.opensAt.toISOString(),
        dueAt: window.dueAt.toISOString(),
        reviewers,
      });
      return {
        _id: id,
        partyOrgId: partyOrg._id,
        unitId: partyOrg.unitId,
        unitPath: partyOrg.unitPath,
        periodId: period.id,
        opensAt: window.opensAt,
        dueAt: window.dueAt,
        status: 'not-started',
        revisionCount: 0,
        historyCount: 0,
        pendingHistory: [],
        reviewers,
        reviews: [],
        pendingReviewers: [],
        firstSubmittedAt: null,
        timeliness: null,
        lockExceptions: [],
        submitKeys: [],
        version: 1,
        outbox: [event],
      };
    });
    return (await insertNew(this.reports.unscoped(SYSTEM).collection as unknown as Collection<HalfMonthReport>, docs)).size;
  }

  /**
   * The report the caller's school may write: own party organisation, role school-secretary. One
   * read when the report exists (the common case at a deadline); the party organisation is looked up
   * only to create a report not expected yet.
   */
  private async writable(
    partyOrgId: string,
    periodId: string,
    caller: Identity,
  ): Promise<{ doc: HalfMonthReport; calendar: CityCalendar }> {
    if (!ReportPeriod.isId(periodId)) throw notFound();
    const id = reportId(partyOrgId, periodId);
    const calendar = await this.calendar.get();
    const scope = Scope.of(caller);
    let doc = await this.reports.lookup(scope, id);
    if (!doc) {
      const partyOrg = scope.require(await this.directory.partyOrg(partyOrgId), (p) => p.unitPath, REPORT_NOT_FOUND);
      // Only a report the scheduler opened for this party organisation, or one of the current or the
      // next period: no "expected" report for a period long gone or years ahead (docs/adr/0016).
      this.assertStartable(ReportPeriod.parse(periodId), partyOrg, calendar);
      await this.expect(partyOrg, ReportPeriod.parse(periodId), calendar);
      doc = await this.reports.get(scope, id);
    }
    doc = await this.migrated(doc);
    if (!caller.roles.includes('school-secretary') || doc.unitId !== caller.orgUnitId) {
      throw problem.forbidden({
        zh: '只有本校党组织书记可以填报本党组织的半月记实表',
        en: "Only the school's party secretary writes its party organisation's reports",
      });
    }
    return { doc, calendar };
  }

  /** 422 period-not-reportable unless the period is the current or the next one and the party organisation is active. */
  private assertStartable(period: ReportPeriod, partyOrg: PartyOrgRef, calendar: CityCalendar) {
    const [current, next] = startablePeriods(this.clock.now(), calendar);
    if (partyOrg.active && (period.id === current.id || period.id === next.id)) return;
    throw problem.periodNotReportable(
      {
        zh: partyOrg.active
          ? `期次 ${period.id} 未向本党组织开放：只能填报已开放的期次，或当前期次（${current.id}）与下一期次（${next.id}）`
          : `本党组织已撤销，不能新建 ${period.id} 的报表`,
        en: partyOrg.active
          ? `Period ${period.id} was not opened for this party organisation: only an opened period, the current one (${current.id}) or the next (${next.id})`
          : `This party organisation is closed; no report for ${period.id} can be started`,
      },
      [
        {
          pointer: '/params/periodId',
          rule: 'reportable-period',
          message: {
            zh: `应为已开放的期次，或 ${current.id}、${next.id}`,
            en: `must be an opened period, ${current.id} or ${next.id}`,
          },
        },
      ],
    );
  }

  private assertUnlocked(doc: HalfMonthReport, calendar: CityCalendar) {
    if (this.isLocked(doc, calendar, this.clock.now())) {
      throw conflict(
        doc.status === 'accepted' ? '报表已审核通过，不能再修改' : '报表已锁定；如需修改请向审核教育局申请例外',
        doc.status === 'accepted'
          ? 'The report was accepted and can no longer change'
          : 'The report is locked; ask a reviewing bureau for an exception',
        'locked',
      );
    }
  }

  /**
   * Applies one change guarded by the version read (optimistic concurrency, one document write),
   * with its events, its audit record (who, what, the changed fields before and after) and its new
   * history entries in the same write (docs/adr/0007, 0016); the entries then move to the history
   * collection, so the report every change rewrites stays small. Returns the report as it now is, for
   * its view: its outbox is the one read (views leave the outbox out), not what the relay will find.
   * `beforeWrite` sees that report before it is written (a submission keeps its first answer there).
   */
  private async commit(
    doc: HalfMonthReport,
    set: Partial<HalfMonthReport>,
    events: OutboxEvent[],
    audit: { caller: Identity; action: string; correlationId?: string | undefined },
    entries: NewHistoryEntry[] = [],
    beforeWrite?: (after: HalfMonthReport) => Promise<void>,
  ): Promise<HalfMonthReport> {
    const version = doc.version + 1;
    const historyCount = (doc.historyCount ?? 0) + entries.length;
    const made: PendingHistoryEntry[] = entries.map((e, i) => {
      const seq = (doc.historyCount ?? 0) + i + 1;
      return { _id: historyId(doc._id, seq), seq, ...e };
    });
    // The fields the write changes, once each, and only the report's own (not its keys or history):
    // a submission of the saved draft does not copy the content again (the revision it made is in the
    // history); the records stay small for the relay, the log and the gateway's audit.
    const changed = (Object.keys(set) as (keyof HalfMonthReport)[]).filter(
      (k) => !UNAUDITED.has(k) && JSON.stringify(set[k]) !== JSON.stringify(doc[k]),
    );
    const revision = made.find((e) => e.kind === 'revision');
    // A submission's new draft is the content of the revision it made, which the history keeps for good:
    // the record names that revision instead of copying the content a second time.
    const after = (k: keyof HalfMonthReport) =>
      k === 'draft' && revision && JSON.stringify(set.draft) === JSON.stringify(revision.content)
        ? { sameAsRevision: revision.revision }
        : set[k];
    const record = auditWriteEvent({
      service: 'reporting',
      actor: audit.caller,
      action: audit.action,
      resourceType: 'half-month-report',
      resourceId: doc._id,
      unitId: doc.unitId,
      before: { ...Object.fromEntries(changed.map((k) => [k, doc[k] ?? null])), version: doc.version },
      after: {
        ...Object.fromEntries(changed.map((k) => [k, after(k)])),
        ...(revision ? { revision: revision.revision } : {}),
        version,
      },
      ...(audit.correlationId ? { correlationId: audit.correlationId } : {}),
    });
    // The update is guarded by the version read, so when it matches, the report is now exactly what was
    // read with this change applied: built here rather than read back (an update costs the store less
    // than a findAndModify that returns the document).
    const updatedAt = this.clock.now();
    const pendingHistory = [...(doc.pendingHistory ?? []), ...made];
    const result: HalfMonthReport = { ...doc, ...set, version, updatedAt, historyCount, pendingHistory };
    await beforeWrite?.(result);
    const update: Record<string, unknown> = {
      $set: { ...set, version, updatedAt, historyCount },
      $push: { outbox: { $each: [...events, record] }, ...(made.length ? { pendingHistory: { $each: made } } : {}) },
    };
    const { matchedCount } = await this.reports.updateOne(Scope.of(audit.caller), { _id: doc._id, version: doc.version }, update, {
      timestamps: false,
    });
    if (matchedCount !== 1)
      throw conflict('报表刚被修改，请重新读取后再试', 'The report changed meanwhile; read it again and retry', 'stale');
    this.relay.nudge();
    // The change is written, history entries included. They move out a batch at a time: two more writes
    // on every change would halve what a deadline burst gets through (docs/adr/0016), and a report holds
    // at most HISTORY_BATCH of them meanwhile, so its size still does not grow with its history.
    if (pendingHistory.length < HISTORY_BATCH) return result;
    // Moving them out may fail and is done again later.
    try {
      await this.moveHistory(result);
    } catch (err) {
      this.logger.warn(`history of ${doc._id} stays in the report until its next write: ${String(err)}`);
      return result;
    }
    return { ...result, pendingHistory: [] };
  }

  async saveDraft(
    partyOrgId: string,
    periodId: string,
    content: HalfMonthReportContent,
    caller: Identity,
    ifMatch?: string,
    correlationId?: string,
  ): Promise<ReportView> {
    const { doc, calendar } = await this.writable(partyOrgId, periodId, caller);
    this.assertUnlocked(doc, calendar);
    checkIfMatch(ifMatch, doc.version);
    const status = doc.status === 'not-started' ? 'draft' : doc.status;
    return this.view(
      await this.commit(doc, { draft: content, status }, [], { caller, action: 'report.draft-saved', correlationId }),
      calendar,
    );
  }

  /**
   * Submits the draft (or the content given) as a new revision. First submission fixes timeliness
   * (on time before the deadline, late after); every revision is kept in the history; each reviewing
   * bureau reviews the new revision independently. The Idempotency-Key is written with the revision it
   * made; a retry with it gets the first answer again (status, ETag, body), whatever happened since.
   */
  async submit(
    partyOrgId: string,
    periodId: string,
    content: HalfMonthReportContent | undefined,
    caller: Identity,
    idempotency: IdempotencyRequest,
    correlationId?: string,
    ifMatch?: string,
  ): Promise<SubmitOutcome> {
    for (let attempt = 0; ; attempt++) {
      const { doc, calendar } = await this.writable(partyOrgId, periodId, caller);
      // The key is kept in the report itself and written with the revision it produced, so a retry
      // finds it in the same read: the first answer, never a second revision.
      const prior = (doc.submitKeys ?? []).find((k) => k.key === idempotency.key);
      if (prior) {
        if (prior.requestHash !== idempotency.requestHash) throw idempotencyKeyReused();
        const first = prior.answerId ? await this.answers.find(prior.answerId) : null;
        // A key older than its kept answer (a week) gets the report as it is, still marked a replay.
        return { replay: first ?? { status: 200, etag: etagOf(doc.version), body: this.view(doc, calendar) } };
      }
      this.assertUnlocked(doc, calendar);
      // The version the secretary read (and checked) before submitting; a retry is answered above.
      checkIfMatch(ifMatch, doc.version);
      const answerId = randomUUID();
      try {
        const saved = await this.submitRevision(doc, content, caller, { ...idempotency, answerId }, correlationId, async (after) => {
          // Kept before the write: a write that then fails leaves an answer no key names (it expires).
          await this.answers.save({ status: 200, etag: etagOf(after.version), body: this.view(after, calendar) }, answerId);
        });
        return { report: this.view(saved, calendar) };
      } catch (err) {
        await this.answers.discard(answerId).catch(() => undefined);
        // Someone wrote meanwhile (perhaps this very retry): read again and decide again, once.
        if (attempt === 0 && isProblem(err, 'stale')) continue;
        throw err;
      }
    }
  }

  private async submitRevision(
    doc: HalfMonthReport,
    content: HalfMonthReportContent | undefined,
    caller: Identity,
    idempotency: IdempotencyRequest & { answerId: string },
    correlationId: string | undefined,
    beforeWrite: (after: HalfMonthReport) => Promise<void>,
  ) {
    const now = this.clock.now();
    if (now < doc.opensAt) {
      throw problem.windowNotOpen({
        zh: `本期次报送窗口尚未开放（${doc.opensAt.toISOString()} 起）`,
        en: `The reporting window of this period opens at ${doc.opensAt.toISOString()}`,
      });
    }
    const body = content ?? doc.draft;
    if (!body)
      throw problem.emptyReport({
        zh: '没有可报送的内容',
        en: 'There is nothing to submit: save a draft or send content',
      });
    if (doc.status === 'submitted' && doc.reviews.some((r) => r.status !== 'pending')) {
      throw conflict('报表正在审核中，待退回后方可修改', 'The report is under review; it can change again once returned');
    }
    const revision = (doc.revisionCount ?? 0) + 1;
    const first = doc.firstSubmittedAt === null;
    // Fixed at the first submission; a report found missing at the deadline becomes late when it comes.
    const timeliness: 'on-time' | 'late' = first
      ? now < doc.dueAt
        ? 'on-time'
        : 'late'
      : doc.timeliness === 'on-time'
        ? 'on-time'
        : 'late';
    const reviews: BureauReview[] = doc.reviewers.map((bureauId) => ({ bureauId, status: 'pending', revision }));
    const event = reportEvent(
      first ? ReportSubmittedV1 : ReportRevisedV1,
      doc,
      { revision, submittedAt: now.toISOString(), timeliness, reviewers: doc.reviewers },
      correlationId,
    );
    const submitKeys = [...(doc.submitKeys ?? []).slice(-(MAX_SUBMIT_KEYS - 1)), { ...idempotency, revision }];
    return this.commit(
      doc,
      {
        status: 'submitted',
        draft: body,
        revisionCount: revision,
        reviews,
        pendingReviewers: doc.reviewers,
        submitKeys,
        ...(first ? { firstSubmittedAt: now } : {}),
        timeliness,
      },
      [event],
      { caller, action: first ? 'report.submitted' : 'report.revised', correlationId },
      [{ kind: 'revision', revision, at: now, by: caller.sub, content: body }],
      beforeWrite,
    );
  }

  /** A reviewing bureau accepts or returns the current revision. Each bureau reviews independently. */
  /** One bureau's decision on the revision it was sent; `If-Match` (optional) makes sure it is the version the reviewer read. */
  async review(
    partyOrgId: string,
    periodId: string,
    input: ReviewReportDto,
    caller: Identity,
    correlationId?: string,
    ifMatch?: string,
  ): Promise<ReportView> {
    const doc = await this.migrated(await this.reports.get(Scope.of(caller), reportId(partyOrgId, periodId)));
    const mine = doc.reviews.find((r) => r.bureauId === caller.orgUnitId);
    if (!mine || !caller.roles.some((r) => r === 'city-admin' || r === 'county-admin')) {
      throw problem.forbidden({
        zh: '本单位不是此报表的审核教育局',
        en: 'Your bureau does not review this report',
      });
    }
    if (doc.status === 'not-started' || doc.status === 'draft') throw conflict('报表尚未报送', 'The report has not been submitted');
    if (mine.status !== 'pending') throw conflict('本局已审核此版本', 'Your bureau already reviewed this revision');
    checkIfMatch(ifMatch, doc.version);
    const now = this.clock.now();
    const reviews = doc.reviews.map((r) =>
      r.bureauId === caller.orgUnitId
        ? {
            ...r,
            status: input.decision === 'accept' ? ('accepted' as const) : ('returned' as const),
            by: caller.sub,
            at: now,
            ...(input.comment ? { comment: input.comment } : {}),
          }
        : r,
    );
    const status = reviews.some((r) => r.status === 'returned')
      ? 'returned'
      : reviews.every((r) => r.status === 'accepted')
        ? 'accepted'
        : 'submitted';
    const event = reportEvent(
      input.decision === 'accept' ? ReportAcceptedV1 : ReportReturnedV1,
      doc,
      {
        revision: mine.revision,
        bureauId: caller.orgUnitId,
        reviewedAt: now.toISOString(),
        ...(input.comment ? { comment: input.comment } : {}),
      },
      correlationId,
    );
    const pendingReviewers = reviews.filter((r) => r.status === 'pending').map((r) => r.bureauId);
    const action = input.decision === 'accept' ? 'report.accepted' : 'report.returned';
    const decision = input.decision === 'accept' ? ('accepted' as const) : ('returned' as const);
    const entry: NewHistoryEntry = {
      kind: 'review',
      revision: mine.revision,
      at: now,
      by: caller.sub,
      bureauId: caller.orgUnitId,
      decision,
      ...(input.comment ? { comment: input.comment } : {}),
    };
    return this.view(
      await this.commit(doc, { reviews, status, pendingReviewers }, [event], { caller, action, correlationId }, [entry]),
      await this.calendar.get(),
    );
  }

  /** A reviewing bureau lets a locked report change until `until` (kept in the report, and audited). */
  async grantLockException(
    partyOrgId: string,
    periodId: string,
    until: Date,
    reason: string,
    caller: Identity,
    correlationId?: string,
  ): Promise<ReportView> {
    const doc = await this.migrated(await this.reports.get(Scope.of(caller), reportId(partyOrgId, periodId)));
    if (!doc.reviewers.includes(caller.orgUnitId) || !caller.roles.some((r) => r === 'city-admin' || r === 'county-admin')) {
      throw problem.forbidden({
        zh: '只有审核教育局可以开放例外',
        en: 'Only a reviewing bureau grants exceptions',
      });
    }
    const exception = { grantedBy: caller.sub, bureauId: caller.orgUnitId, grantedAt: this.clock.now(), until, reason };
    const saved = await this.commit(doc, { lockExceptions: [...doc.lockExceptions, exception] }, [], {
      caller,
      action: 'report.lock-exception-granted',
      correlationId,
    });
    return this.view(saved, await this.calendar.get());
  }

  /** Reports waiting for the caller's bureau to review, oldest deadline first. */
  async reviewQueue(caller: Identity, periodId: string | undefined, page: PageRequest): Promise<Page<ReportView>> {
    const filter: Record<string, unknown> = { pendingReviewers: caller.orgUnitId, status: 'submitted' };
    if (periodId) filter['periodId'] = periodId;
    // Keyset on (dueAt, _id): the cursor is the last item's deadline in ms and its id.
    const after = page.after as [number, string] | undefined;
    if (after) {
      const dueAt = new Date(after[0]);
      filter['$or'] = [{ dueAt: { $gt: dueAt } }, { dueAt, _id: { $gt: after[1] } }];
    }
    const docs = await this.reports
      .find(Scope.of(caller), filter, { outbox: 0, revisions: 0, pendingHistory: 0, submitKeys: 0 })
      .sort({ dueAt: 1, _id: 1 })
      .limit(page.limit + 1)
      .lean<HalfMonthReport[]>();
    const calendar = await this.calendar.get();
    const rows = pageOf(docs, page.limit, (d) => [d.dueAt.getTime(), d._id]);
    return { ...rows, items: rows.items.map((d) => this.view(d, calendar)) };
  }
}

import { Injectable, type OnModuleInit } from '@nestjs/common';
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
  InjectScopedModel,
  notFoundProblem,
  OrgUnitDirectory,
  Scope,
  type Identity,
  type ScopedModel,
  problem,
  isProblem,
  pageOf,
  type Page,
  type PageRequest,
} from '@pb/platform';
import { CalendarService, type CityCalendar } from '../calendar/calendar.service.js';
import { reportEvent } from './report-event.js';
import { OrgDirectoryService } from '../org-directory/org-directory.service.js';
import type { PartyOrgRef } from '../org-directory/party-org-ref.schema.js';
import { reviewersOf } from '../org-directory/routing.js';
import { ReportPeriod } from '../periods/report-period.js';
import {
  HALF_MONTH_REPORT_MODEL,
  REPORT_NOT_FOUND,
  type BureauReview,
  type HalfMonthReport,
  type ReportRevision,
} from './half-month-report.schema.js';

const notFound = () => notFoundProblem(REPORT_NOT_FOUND);
/** Reports are created for party organisations whose unit was checked (or by the scheduler), and relayed. */
const SYSTEM = Scope.system('reporting: expected reports and their outbox');
const conflict = (zh: string, en: string, type: 'conflict' | 'locked' | 'stale' = 'conflict') => problem[type]({ zh, en });

export type ReportView = Omit<HalfMonthReport, '_id' | 'outbox'> & { id: string; locked: boolean };

/** The Idempotency-Key of a submit request and a hash of what it asked. */
export interface SubmitKey {
  key: string;
  requestHash: string;
}

/** Keys remembered per report: far more than the retries of one deadline. */
const MAX_SUBMIT_KEYS = 20;

export function reportId(partyOrgId: string, periodId: string): string {
  return `${partyOrgId}:${periodId}`;
}

@Injectable()
export class ReportsService implements OnModuleInit {
  constructor(
    @InjectScopedModel(HALF_MONTH_REPORT_MODEL) private readonly reports: ScopedModel<HalfMonthReport>,
    private readonly relay: OutboxRelay,
    private readonly directory: OrgDirectoryService,
    private readonly units: OrgUnitDirectory,
    private readonly calendar: CalendarService,
    private readonly clock: Clock,
  ) {}

  onModuleInit() {
    this.relay.register(this.reports.unscoped(SYSTEM));
  }

  view(doc: HalfMonthReport, calendar: CityCalendar, now = this.clock.now()): ReportView {
    const { _id, outbox: _outbox, ...rest } = doc;
    return { id: _id, ...rest, locked: this.isLocked(doc, calendar, now) };
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
        revisions: [],
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
      await this.expect(partyOrg, ReportPeriod.parse(periodId), calendar);
      doc = await this.reports.get(scope, id);
    }
    if (!caller.roles.includes('school-secretary') || doc.unitId !== caller.orgUnitId) {
      throw problem.forbidden({
        zh: '只有本校党组织书记可以填报本党组织的半月记实表',
        en: "Only the school's party secretary writes its party organisation's reports",
      });
    }
    return { doc, calendar };
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
   * with its events and its audit record (who, what, the changed fields before and after) in the
   * same write (docs/adr/0007). Returns the report as it now is, for its view: its outbox is the one
   * read (views leave the outbox out), not what the relay will find.
   */
  private async commit(
    doc: HalfMonthReport,
    set: Partial<HalfMonthReport>,
    events: OutboxEvent[],
    audit: { caller: Identity; action: string; correlationId?: string | undefined },
    push: Partial<Record<'revisions', unknown>> = {},
  ): Promise<HalfMonthReport> {
    const version = doc.version + 1;
    // The fields the write changes, once each: a submission of the saved draft does not copy the content
    // again (the revision it made is in the report); the records stay small for the relay and the log.
    // A report being published is read and rewritten whole by the local store, so every copy costs.
    const changed = (Object.keys(set) as (keyof HalfMonthReport)[]).filter((k) => JSON.stringify(set[k]) !== JSON.stringify(doc[k]));
    const made = push.revisions as { revision?: number; content?: unknown } | undefined;
    const revision = made?.revision;
    // A submission's new draft is the content of the revision it made, which the report keeps for good:
    // the record names that revision instead of copying the content a second time.
    const after = (k: keyof HalfMonthReport) =>
      k === 'draft' && revision !== undefined && JSON.stringify(set.draft) === JSON.stringify(made?.content)
        ? { sameAsRevision: revision }
        : set[k];
    const record = auditWriteEvent({
      service: 'reporting',
      actor: audit.caller,
      action: audit.action,
      resourceType: 'half-month-report',
      resourceId: doc._id,
      unitId: doc.unitId,
      before: { ...Object.fromEntries(changed.map((k) => [k, doc[k] ?? null])), version: doc.version },
      after: { ...Object.fromEntries(changed.map((k) => [k, after(k)])), ...(revision !== undefined ? { revision } : {}), version },
      ...(audit.correlationId ? { correlationId: audit.correlationId } : {}),
    });
    // The update is guarded by the version read, so when it matches, the report is now exactly what was
    // read with this change applied: built here rather than read back (an update costs the store less
    // than a findAndModify that returns the document).
    const updatedAt = this.clock.now();
    const update: Record<string, unknown> = {
      $set: { ...set, version, updatedAt },
      $push: { ...push, outbox: { $each: [...events, record] } },
    };
    const { matchedCount } = await this.reports.updateOne(Scope.of(audit.caller), { _id: doc._id, version: doc.version }, update, {
      timestamps: false,
    });
    if (matchedCount !== 1)
      throw conflict('报表刚被修改，请重新读取后再试', 'The report changed meanwhile; read it again and retry', 'stale');
    this.relay.nudge();
    const revisions = made ? [...doc.revisions, made as ReportRevision] : doc.revisions;
    return { ...doc, ...set, version, updatedAt, revisions };
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
   * (on time before the deadline, late after); every revision is kept; each reviewing bureau reviews
   * the new revision independently.
   */
  async submit(
    partyOrgId: string,
    periodId: string,
    content: HalfMonthReportContent | undefined,
    caller: Identity,
    idempotency: SubmitKey,
    correlationId?: string,
    ifMatch?: string,
  ): Promise<{ report: ReportView; replayed: boolean }> {
    for (let attempt = 0; ; attempt++) {
      const { doc, calendar } = await this.writable(partyOrgId, periodId, caller);
      // The key is kept in the report itself and written with the revision it produced, so a retry
      // finds it in the same read: the first result, never a second revision.
      const prior = (doc.submitKeys ?? []).find((k) => k.key === idempotency.key);
      if (prior) {
        if (prior.requestHash !== idempotency.requestHash) {
          throw problem.idempotencyKeyReused({
            zh: '此 Idempotency-Key 已用于另一个请求',
            en: 'This Idempotency-Key was used for a different request',
          });
        }
        return { report: this.view(doc, calendar), replayed: true };
      }
      this.assertUnlocked(doc, calendar);
      // The version the secretary read (and checked) before submitting; a retry is answered above.
      checkIfMatch(ifMatch, doc.version);
      try {
        return {
          report: this.view(await this.submitRevision(doc, content, caller, idempotency, correlationId), calendar),
          replayed: false,
        };
      } catch (err) {
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
    idempotency: SubmitKey,
    correlationId?: string,
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
    const revision = doc.revisions.length + 1;
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
        reviews,
        pendingReviewers: doc.reviewers,
        submitKeys,
        ...(first ? { firstSubmittedAt: now } : {}),
        timeliness,
      },
      [event],
      { caller, action: first ? 'report.submitted' : 'report.revised', correlationId },
      { revisions: { revision, content: body, submittedAt: now, submittedBy: caller.sub } },
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
    const doc = await this.reports.get(Scope.of(caller), reportId(partyOrgId, periodId));
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
    return this.view(
      await this.commit(doc, { reviews, status, pendingReviewers }, [event], { caller, action, correlationId }),
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
    const doc = await this.reports.get(Scope.of(caller), reportId(partyOrgId, periodId));
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
      .find(Scope.of(caller), filter, { outbox: 0, revisions: 0 })
      .sort({ dueAt: 1, _id: 1 })
      .limit(page.limit + 1)
      .lean<HalfMonthReport[]>();
    const calendar = await this.calendar.get();
    const rows = pageOf(docs, page.limit, (d) => [d.dueAt.getTime(), d._id]);
    return { ...rows, items: rows.items.map((d) => this.view({ ...d, revisions: [] }, calendar)) };
  }
}

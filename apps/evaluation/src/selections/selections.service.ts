import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { randomUUID } from 'node:crypto';
import type { Model } from 'mongoose';
import {
  NominationNoticeStartedV1,
  NominationObjectionRaisedV1,
  NominationPublishedV1,
  type NominationDto,
  type NominationReviewDto,
  type ObjectionDecisionDto,
  type SelectionKind,
  type SelectionQuotasDto,
} from '@pb/contracts';
import { OutboxRelay, pendingEvent, type OutboxEvent } from '@pb/messaging';
import { insertOrFail } from '@pb/persistence';
import {
  checkIfMatch,
  Clock,
  InjectScopedModel,
  notFoundProblem,
  OrgUnitDirectory,
  problem,
  Scope,
  type FieldProblem,
  type Identity,
  type ScopedModel,
} from '@pb/platform';
import {
  NOMINATION_MODEL,
  NOMINATION_NOT_FOUND,
  SELECTION_MODEL,
  SELECTION_SLOT_MODEL,
  selectionId,
  slotId,
  type Nomination,
  type Selection,
  type SelectionSlot,
} from './nomination.schema.js';
import { noticeEndsAt } from './notice-period.js';
import { evaluationAudit } from '../audit.js';

/** The city's time zone, in which notice periods count working days. */
export const SELECTIONS_TIME_ZONE = Symbol('SELECTIONS_TIME_ZONE');

const SYSTEM = Scope.system('evaluation: nominations of a checked unit');
const conflict = (zh: string, en: string) => problem.conflict({ zh, en });
const notReviewer = () => problem.forbidden({ zh: '您的单位不审核该推荐', en: 'Your unit does not review this nomination' });
const rule = (pointer: string, name: string, zh: string, en: string): FieldProblem => ({ pointer, rule: name, message: { zh, en } });

/** What callers read of a nomination: who objected only for a reviewing bureau's administrators. */
export type NominationView = Omit<Nomination, '_id' | 'unitPath' | 'objections' | 'outbox'> & {
  id: string;
  objections: (Omit<Nomination['objections'][number], 'by'> & { by?: string })[];
};

/**
 * 评比 Selections: quotas per county and city-direct group set by the city, nominations within them,
 * review by the bureau, public notice in working days, objections (anonymous to the nominee), publication.
 */
@Injectable()
export class SelectionsService implements OnModuleInit {
  constructor(
    @InjectModel(SELECTION_MODEL) private readonly selections: Model<Selection>,
    @InjectModel(SELECTION_SLOT_MODEL) private readonly slots: Model<SelectionSlot>,
    @InjectScopedModel(NOMINATION_MODEL) private readonly nominations: ScopedModel<Nomination>,
    private readonly units: OrgUnitDirectory,
    private readonly clock: Clock,
    @Inject(SELECTIONS_TIME_ZONE) private readonly timeZone: string,
    private readonly relay: OutboxRelay,
  ) {}

  onModuleInit() {
    this.relay.register(this.selections);
    this.relay.register(this.nominations.unscoped(SYSTEM));
  }

  private audited(caller: Identity, action: string, doc: Pick<Nomination, '_id' | 'unitId'>, before: object | null, after: object | null) {
    return evaluationAudit(caller, `nomination.${action}`, { type: 'nomination', id: doc._id, unitId: doc.unitId }, before, after);
  }

  async quotas(kind: SelectionKind, year: number) {
    const selection = await this.selections.findById(selectionId(kind, year), { outbox: 0 }).lean<Selection>();
    const slots = await this.slots
      .find({ _id: { $in: (selection?.groups ?? []).map((g) => slotId(kind, year, g)) } })
      .lean<SelectionSlot[]>();
    return {
      kind,
      year,
      noticeWorkingDays: selection?.noticeWorkingDays ?? 5,
      quotas: slots.map((s) => ({ groupId: s.groupId, quota: s.quota, used: s.used })).sort((a, b) => a.groupId.localeCompare(b.groupId)),
      version: selection?.version ?? 0,
    };
  }

  /** The city sets the quotas: each group a bureau of its subtree, none below what is nominated already. */
  async setQuotas(kind: SelectionKind, year: number, body: SelectionQuotasDto, caller: Identity, ifMatch?: string) {
    const current = await this.quotas(kind, year);
    checkIfMatch(ifMatch, current.version);
    const errors: FieldProblem[] = [];
    const used = new Map(current.quotas.map((q) => [q.groupId, q.used]));
    for (const [i, q] of body.quotas.entries()) {
      const unit = await this.units.get(q.groupId);
      if (!unit || !Scope.of(caller).reaches(unit.path) || (unit.kind !== 'county-bureau' && unit.kind !== 'city-bureau'))
        errors.push(rule(`/quotas/${i}/groupId`, 'bureau', '名额单位须为本市的教育局', 'A quota group is a bureau of your city'));
      else if (q.quota < (used.get(q.groupId) ?? 0))
        errors.push(rule(`/quotas/${i}/quota`, 'used', '少于已推荐数', 'Below the nominations made already'));
    }
    if (errors.length) throw problem.ruleViolation({ zh: '名额设置不符合规则', en: 'The quotas break a rule' }, errors);
    for (const q of body.quotas) {
      await this.slots.updateOne(
        { _id: slotId(kind, year, q.groupId) },
        { $set: { quota: q.quota }, $setOnInsert: { kind, year, groupId: q.groupId, used: 0 } },
        { upsert: true },
      );
    }
    const groups = [...new Set([...current.quotas.map((q) => q.groupId), ...body.quotas.map((q) => q.groupId)])];
    await this.selections.updateOne(
      { _id: selectionId(kind, year) },
      {
        $set: { kind, year, noticeWorkingDays: body.noticeWorkingDays, groups },
        $inc: { version: 1 },
        $push: {
          outbox: evaluationAudit(
            caller,
            'selection.quotas-set',
            { type: 'selection', id: selectionId(kind, year), unitId: caller.orgUnitId },
            { quotas: current.quotas, noticeWorkingDays: current.noticeWorkingDays },
            { quotas: body.quotas, noticeWorkingDays: body.noticeWorkingDays },
          ),
        },
      },
      { upsert: true },
    );
    this.relay.nudge();
    return this.quotas(kind, year);
  }

  /** Takes a slot of the group's quota, or refuses with 422 (none set, or all taken). */
  private async takeSlot(kind: SelectionKind, year: number, groupId: string): Promise<void> {
    for (;;) {
      const slot = await this.slots.findById(slotId(kind, year, groupId)).lean<SelectionSlot>();
      if (!slot || slot.used >= slot.quota) {
        throw problem.ruleViolation({ zh: '超出推荐名额', en: 'Over the quota' }, [
          rule('/unitId', 'quota', `名额 ${slot?.quota ?? 0} 已用完`, `The quota of ${slot?.quota ?? 0} is used up`),
        ]);
      }
      const { modifiedCount } = await this.slots.updateOne({ _id: slot._id, used: slot.used }, { $inc: { used: 1 } });
      if (modifiedCount === 1) return;
    }
  }

  private releaseSlot(n: Pick<Nomination, 'kind' | 'year' | 'groupId'>) {
    return this.slots.updateOne({ _id: slotId(n.kind, n.year, n.groupId), used: { $gt: 0 } }, { $inc: { used: -1 } });
  }

  async nominate(kind: SelectionKind, year: number, body: NominationDto, caller: Identity): Promise<NominationView> {
    const scope = Scope.of(caller);
    await scope.unit(body.unitId, this.units.pathOf);
    const path = (await this.units.pathOf(body.unitId))!;
    // A county's school counts against its county; a city-direct school against the city.
    const groupId = path.length >= 3 ? path[1] : path[0];
    await this.takeSlot(kind, year, groupId);
    const doc: Nomination = {
      _id: `nom_${randomUUID()}`,
      kind,
      year,
      unitId: body.unitId,
      unitPath: [...path],
      groupId,
      reviewers: [...new Set([groupId, path[0]])],
      nominee: body.nominee,
      reason: body.reason,
      status: 'nominated',
      nominatedBy: caller.sub,
      review: null,
      notice: null,
      objections: [],
      publishedAt: null,
      version: 1,
      outbox: [],
    };
    try {
      await insertOrFail(
        () =>
          this.nominations.unscoped(SYSTEM).create({
            ...doc,
            outbox: [this.audited(caller, 'nominated', doc, null, { kind, year, unitId: doc.unitId, groupId, version: 1 })],
          }),
        () => conflict('推荐已存在', 'The nomination exists'),
      );
    } catch (err) {
      await this.releaseSlot(doc);
      throw err;
    }
    this.relay.nudge();
    return this.view(doc, caller);
  }

  view(doc: Nomination, caller: Identity): NominationView {
    const { _id, unitPath: _p, outbox: _o, objections, ...rest } = doc;
    const reviewer = doc.reviewers.includes(caller.orgUnitId) && caller.roles.some((r) => r === 'city-admin' || r === 'county-admin');
    return { id: _id, ...rest, objections: objections.map(({ by, ...o }) => (reviewer ? { ...o, by } : o)) };
  }

  async get(id: string, caller: Identity): Promise<NominationView> {
    return this.view(await this.nominations.get(Scope.of(caller), id), caller);
  }

  /** One versioned write of a nomination (409 when it moved meanwhile). */
  /** What every selection event says of its nomination: ids, kind, year, group (never the nominee). */
  private eventOf(doc: Nomination, version: number) {
    return {
      nominationId: doc._id,
      kind: doc.kind,
      year: doc.year,
      unitId: doc.unitId,
      unitPath: doc.unitPath,
      groupId: doc.groupId,
      version,
    };
  }

  private async write(
    doc: Nomination,
    set: Partial<Nomination>,
    caller: Identity,
    action: string,
    event?: (version: number) => OutboxEvent,
  ): Promise<NominationView> {
    const version = doc.version + 1;
    const keys = Object.keys(set) as (keyof Nomination)[];
    const audit = this.audited(
      caller,
      action,
      doc,
      { ...Object.fromEntries(keys.map((k) => [k, doc[k] ?? null])), version: doc.version },
      { ...set, version },
    );
    const { matchedCount } = await this.nominations.updateOne(
      Scope.of(caller),
      { _id: doc._id, version: doc.version },
      { $set: { ...set, version }, $push: { outbox: { $each: [...(event ? [event(version)] : []), audit] } } },
    );
    if (matchedCount !== 1)
      throw problem.stale({ zh: '推荐刚被修改，请重新读取后再试', en: 'The nomination changed meanwhile; read it again' });
    this.relay.nudge();
    return this.view({ ...doc, ...set, version }, caller);
  }

  private async reviewable(id: string, caller: Identity, ifMatch?: string): Promise<Nomination> {
    const doc = await this.nominations.get(Scope.of(caller), id);
    checkIfMatch(ifMatch, doc.version);
    if (!doc.reviewers.includes(caller.orgUnitId)) throw notReviewer();
    return doc;
  }

  /** 审核 The reviewing bureau approves or rejects; a rejection gives the slot back. */
  async review(id: string, body: NominationReviewDto, caller: Identity, ifMatch?: string) {
    const doc = await this.reviewable(id, caller, ifMatch);
    if (doc.status !== 'nominated') throw conflict('推荐已审核', 'The nomination was reviewed already');
    const review = { decision: body.decision, ...(body.comment ? { comment: body.comment } : {}), by: caller.sub, at: this.clock.now() };
    const view = await this.write(doc, { status: body.decision === 'approve' ? 'approved' : 'rejected', review }, caller, 'reviewed');
    if (body.decision === 'reject') await this.releaseSlot(doc);
    return view;
  }

  /** 公示 The city starts the notice of an approved nomination: it ends after the selection's working days. */
  async startNotice(id: string, caller: Identity, ifMatch?: string) {
    const doc = await this.nominations.get(Scope.of(caller), id);
    checkIfMatch(ifMatch, doc.version);
    if (doc.status !== 'approved') throw conflict('仅审核通过的推荐可以公示', 'Only an approved nomination goes under notice');
    const { noticeWorkingDays } = await this.quotas(doc.kind, doc.year);
    const startsAt = this.clock.now();
    const endsAt = noticeEndsAt(startsAt, noticeWorkingDays, this.timeZone);
    return this.write(doc, { status: 'in-notice', notice: { startsAt, endsAt } }, caller, 'notice-started', (version) =>
      pendingEvent(NominationNoticeStartedV1, {
        key: doc.unitId,
        subject: `nominations/${doc._id}`,
        data: { ...this.eventOf(doc, version), noticeEndsAt: endsAt.toISOString() },
      }),
    );
  }

  /**
   * 异议 Any account of the city may object while the notice runs, also one outside the nominee's
   * subtree (the notice is public in the city); a nomination of another city is unknown (404).
   */
  async object(id: string, text: string, caller: Identity) {
    const doc = await this.nominations.unscoped(SYSTEM).findById(id, { outbox: 0 }).lean<Nomination>();
    const callerPath = await this.units.pathOf(caller.orgUnitId);
    if (!doc || !callerPath || callerPath[0] !== doc.unitPath[0]) throw notFoundProblem(NOMINATION_NOT_FOUND);
    const now = this.clock.now();
    if (doc.status !== 'in-notice' || !doc.notice || now >= doc.notice.endsAt) throw conflict('不在公示期', 'Not under notice');
    const objection = { id: `obj_${randomUUID()}`, text, at: now, by: caller.sub, outcome: 'pending' as const };
    const { matchedCount } = await this.nominations.unscoped(SYSTEM).updateOne(
      { _id: doc._id, version: doc.version },
      {
        $push: {
          objections: objection,
          outbox: {
            $each: [
              pendingEvent(NominationObjectionRaisedV1, {
                key: doc.unitId,
                subject: `nominations/${doc._id}`,
                data: { ...this.eventOf(doc, doc.version + 1), objectionId: objection.id, reviewers: doc.reviewers },
              }),
              this.audited(caller, 'objection-raised', doc, null, { objectionId: objection.id }),
            ],
          },
        },
        $inc: { version: 1 },
      },
    );
    if (matchedCount !== 1) throw problem.stale({ zh: '推荐刚被修改，请重试', en: 'The nomination changed meanwhile; retry' });
    this.relay.nudge();
    return this.view({ ...doc, objections: [...doc.objections, objection], version: doc.version + 1 }, caller);
  }

  /** 异议处理 A reviewing bureau upholds or dismisses an objection, saying how it was handled. */
  async decideObjection(id: string, objectionId: string, body: ObjectionDecisionDto, caller: Identity, ifMatch?: string) {
    const doc = await this.reviewable(id, caller, ifMatch);
    const objection = doc.objections.find((o) => o.id === objectionId);
    if (!objection) throw notFoundProblem({ zh: '找不到异议', en: 'Objection not found' });
    if (objection.outcome !== 'pending') throw conflict('异议已处理', 'The objection was decided already');
    const objections = doc.objections.map((o) =>
      o.id === objectionId ? { ...o, outcome: body.outcome, handling: { comment: body.comment, by: caller.sub, at: this.clock.now() } } : o,
    );
    return this.write(doc, { objections }, caller, 'objection-decided');
  }

  /** 公布 After the notice, with every objection decided and none upheld. */
  async publish(id: string, caller: Identity, ifMatch?: string) {
    const doc = await this.nominations.get(Scope.of(caller), id);
    checkIfMatch(ifMatch, doc.version);
    if (doc.objections.some((o) => o.outcome === 'upheld')) {
      throw problem.ruleViolation({ zh: '异议成立，不得公布', en: 'An objection was upheld: it cannot be published' }, [
        rule('/objections', 'upheld', '有成立的异议', 'An objection was upheld'),
      ]);
    }
    if (doc.status !== 'in-notice' || !doc.notice || this.clock.now() < doc.notice.endsAt)
      throw conflict('公示期未结束', 'The notice has not ended');
    if (doc.objections.some((o) => o.outcome === 'pending')) throw conflict('有未处理的异议', 'An objection is still pending');
    return this.write(doc, { status: 'published', publishedAt: this.clock.now() }, caller, 'published', (version) =>
      pendingEvent(NominationPublishedV1, { key: doc.unitId, subject: `nominations/${doc._id}`, data: this.eventOf(doc, version) }),
    );
  }
}

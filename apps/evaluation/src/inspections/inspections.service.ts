import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { DateTime } from 'luxon';
import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import {
  RectificationOpenedV1,
  RectificationOverdueV1,
  RectificationSubmittedV1,
  type CreateInspectionDto,
  type EventContract,
  type FindingDto,
  type RectificationDecisionDto,
  type RectificationEvidenceDto,
} from '@pb/contracts';
import { OutboxRelay, pendingEvent, type OutboxEvent } from '@pb/messaging';
import {
  checkIfMatch,
  Clock,
  InjectScopedModel,
  leasedRunner,
  OrgUnitDirectory,
  problem,
  Scope,
  type Identity,
  type PeriodicRunner,
  type ScopedModel,
} from '@pb/platform';
import { DerivedFactsService } from '../derived/derived-facts.service.js';
import { SELECTIONS_TIME_ZONE } from '../selections/selections.service.js';
import { INSPECTION_MODEL, RECTIFICATION_MODEL, type Inspection, type Rectification } from './inspection.schema.js';
import { drawSample, newSeed } from './sampling.js';
import { evaluationAudit } from '../audit.js';

/** How often the overdue scan looks at the clock (0: never by itself; tests run it). */
export const INSPECTIONS_TICK_MS = Symbol('INSPECTIONS_TICK_MS');
const SYSTEM = Scope.system('evaluation: inspections of a checked unit, and the overdue scan of rectifications');
const stale = () => problem.stale({ zh: '刚被修改，请重新读取后再试', en: 'It changed meanwhile; read it again and retry' });

const view = <T extends { _id: string; unitPath: string[]; outbox?: unknown }>({ _id, unitPath: _p, outbox: _o, ...rest }: T) => ({
  id: _id,
  ...rest,
});

/** A rectification event for analysts and the notifications service: ids, kind and deadline only. */
function rectificationEvent(
  contract: EventContract,
  r: Pick<Rectification, '_id' | 'inspectionId' | 'kind' | 'responsibleUnitId' | 'unitPath' | 'deadlineAt'>,
  version: number,
  extra: { escalatedTo?: string[] } = {},
): OutboxEvent {
  return pendingEvent(contract as typeof RectificationOverdueV1, {
    key: r.responsibleUnitId,
    subject: `rectifications/${r._id}`,
    data: {
      rectificationId: r._id,
      inspectionId: r.inspectionId,
      kind: r.kind,
      unitId: r.responsibleUnitId,
      unitPath: r.unitPath,
      deadlineAt: r.deadlineAt.toISOString(),
      version,
      ...extra,
    } as never,
  });
}

/**
 * 督促检查 Inspections: a reproducible sample of schools or member files (seed recorded), findings per
 * sampled item, rectifications with a deadline and a responsible unit, evidence, acceptance or
 * return, and an overdue scan under a lease that escalates to the supervising bureau.
 */
@Injectable()
export class InspectionsService implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('InspectionsService');
  readonly overdueScan: PeriodicRunner<number>;

  constructor(
    @InjectScopedModel(INSPECTION_MODEL) private readonly inspections: ScopedModel<Inspection>,
    @InjectScopedModel(RECTIFICATION_MODEL) private readonly rectifications: ScopedModel<Rectification>,
    private readonly units: OrgUnitDirectory,
    private readonly facts: DerivedFactsService,
    private readonly clock: Clock,
    private readonly relay: OutboxRelay,
    @InjectConnection() connection: Connection,
    @Inject(SELECTIONS_TIME_ZONE) private readonly timeZone: string,
    @Inject(INSPECTIONS_TICK_MS) tickMs: number,
  ) {
    this.overdueScan = leasedRunner(this.logger, connection, 'rectifications-overdue', tickMs, clock, (now) =>
      this.markOverdue(now),
    ).runner;
  }

  onModuleInit() {
    this.relay.register(this.rectifications.unscoped(SYSTEM));
    this.relay.register(this.inspections.unscoped(SYSTEM));
  }

  onApplicationBootstrap() {
    this.overdueScan.start();
  }

  async onModuleDestroy() {
    await this.overdueScan.stop();
  }

  async create(body: CreateInspectionDto, caller: Identity) {
    const scope = Scope.of(caller);
    const unitId = await scope.unit(body.unitId, this.units.pathOf);
    const population =
      body.sample.of === 'schools'
        ? await this.units.subtreeIds(unitId, 'school')
        : await this.facts.memberFiles(await this.units.subtreeIds(unitId));
    const seed = body.sample.seed ?? newSeed();
    const doc: Inspection = {
      _id: `insp_${randomUUID()}`,
      kind: body.kind,
      unitId,
      unitPath: [...((await this.units.pathOf(unitId)) ?? [unitId])],
      title: body.title,
      sample: {
        of: body.sample.of,
        size: body.sample.size,
        seed,
        population: population.length,
        items: drawSample(population, body.sample.size, seed),
      },
      findings: [],
      createdBy: caller.sub,
      createdAt: this.clock.now(),
      version: 1,
      outbox: [],
    };
    const audit = evaluationAudit(caller, 'inspection.started', { type: 'inspection', id: doc._id, unitId }, null, {
      kind: doc.kind,
      sample: { of: doc.sample.of, size: doc.sample.size, seed, population: population.length },
    });
    await this.inspections.unscoped(SYSTEM).create({ ...doc, outbox: [audit] });
    this.relay.nudge();
    return view(doc);
  }

  async get(id: string, caller: Identity) {
    return view(await this.inspections.get(Scope.of(caller), id));
  }

  /** A finding on a sampled item; a rectification for a responsible unit inside the inspection, due at the end of its last day. */
  async addFinding(id: string, body: FindingDto, caller: Identity, ifMatch?: string) {
    const scope = Scope.of(caller);
    const doc = await this.inspections.get(scope, id);
    checkIfMatch(ifMatch, doc.version);
    if (!doc.sample.items.includes(body.item)) {
      throw problem.ruleViolation({ zh: '不是本次抽查对象', en: 'Not an item of the sample' }, [
        { pointer: '/item', rule: 'sampled', message: { zh: '不是本次抽查对象', en: 'Not an item of the sample' } },
      ]);
    }
    let rectificationId: string | null = null;
    if (body.rectification) {
      const path = await this.units.pathOf(body.rectification.responsibleUnitId);
      if (!path?.includes(doc.unitId)) {
        throw problem.ruleViolation({ zh: '责任单位不在检查范围内', en: 'The responsible unit is outside the inspection' }, [
          {
            pointer: '/rectification/responsibleUnitId',
            rule: 'inside',
            message: { zh: '责任单位不在检查范围内', en: 'Outside the inspection' },
          },
        ]);
      }
      const deadlineAt = DateTime.fromISO(body.rectification.deadline, { zone: this.timeZone }).plus({ days: 1 }).startOf('day').toJSDate();
      rectificationId = `rect_${randomUUID()}`;
      const rectification: Rectification = {
        _id: rectificationId,
        inspectionId: doc._id,
        kind: doc.kind,
        item: body.item,
        finding: body.finding,
        responsibleUnitId: body.rectification.responsibleUnitId,
        unitPath: [...path],
        deadlineAt,
        status: 'open',
        overdue: false,
        overdueAt: null,
        escalatedTo: [],
        evidence: [],
        decisions: [],
        version: 1,
        outbox: [],
      };
      await this.rectifications
        .unscoped(SYSTEM)
        .create({ ...rectification, outbox: [rectificationEvent(RectificationOpenedV1, rectification, 1)] });
      this.relay.nudge();
    }
    const finding = { item: body.item, finding: body.finding, by: caller.sub, at: this.clock.now(), rectificationId };
    const audit = evaluationAudit(caller, 'inspection.finding-recorded', { type: 'inspection', id: doc._id, unitId: doc.unitId }, null, {
      ...finding,
      ...(body.rectification ? { rectification: body.rectification } : {}),
    });
    const { matchedCount } = await this.inspections.updateOne(
      scope,
      { _id: doc._id, version: doc.version },
      { $push: { findings: finding, outbox: audit }, $inc: { version: 1 } },
    );
    if (matchedCount !== 1) throw stale();
    this.relay.nudge();
    return view({ ...doc, findings: [...doc.findings, finding], version: doc.version + 1 });
  }

  async rectification(id: string, caller: Identity) {
    return view(await this.rectifications.get(Scope.of(caller), id));
  }

  private async changeRectification(
    doc: Rectification,
    set: Partial<Rectification>,
    push: Record<string, unknown>,
    caller: Identity,
    event?: EventContract,
  ) {
    const version = doc.version + 1;
    const audit = evaluationAudit(
      caller,
      `rectification.${set.status ?? 'changed'}`,
      { type: 'rectification', id: doc._id, unitId: doc.responsibleUnitId },
      { status: doc.status, version: doc.version },
      { ...set, ...push, version },
    );
    const outbox = [...(event ? [rectificationEvent(event, doc, version)] : []), audit];
    const { matchedCount } = await this.rectifications.updateOne(
      Scope.of(caller),
      { _id: doc._id, version: doc.version },
      { $set: { ...set, version }, $push: { ...push, outbox: { $each: outbox } } },
    );
    if (matchedCount !== 1) throw stale();
    this.relay.nudge();
    const after = await this.rectifications.get(Scope.of(caller), doc._id);
    return view(after);
  }

  /** 提交整改 The responsible unit submits what it did, with evidence (while open or returned). */
  async submitEvidence(id: string, body: RectificationEvidenceDto, caller: Identity, ifMatch?: string) {
    const doc = await this.rectifications.get(Scope.of(caller), id);
    checkIfMatch(ifMatch, doc.version);
    if (doc.status !== 'open' && doc.status !== 'returned') throw problem.conflict({ zh: '整改材料已提交', en: 'Already submitted' });
    const evidence = { text: body.text, ...(body.files ? { files: body.files } : {}), by: caller.sub, at: this.clock.now() };
    return this.changeRectification(doc, { status: 'submitted' }, { evidence }, caller, RectificationSubmittedV1);
  }

  /** 验收 Accept, or return for more work, what was submitted. */
  async decide(id: string, body: RectificationDecisionDto, caller: Identity, ifMatch?: string) {
    const doc = await this.rectifications.get(Scope.of(caller), id);
    checkIfMatch(ifMatch, doc.version);
    if (doc.status !== 'submitted') throw problem.conflict({ zh: '没有待验收的整改材料', en: 'Nothing submitted to decide' });
    const decision = { decision: body.decision, comment: body.comment, by: caller.sub, at: this.clock.now() };
    return this.changeRectification(doc, { status: body.decision === 'accept' ? 'accepted' : 'returned' }, { decisions: decision }, caller);
  }

  /**
   * 逾期 Marks the rectifications not submitted by their deadline (open or returned) as overdue and
   * escalates each to the nearest supervising bureau of its responsible unit, once (the mark is in
   * the guarded write). Runs on one replica at a time (the lease).
   */
  async markOverdue(now: Date): Promise<number> {
    const model = this.rectifications.unscoped(SYSTEM);
    const due = await model
      .find({ overdue: false, status: { $in: ['open', 'returned'] }, deadlineAt: { $lte: now } }, { outbox: 0, evidence: 0, decisions: 0 })
      .lean<Rectification[]>();
    const bureaus = await this.units.bureausOnPaths(due.map((r) => r.unitPath));
    let marked = 0;
    for (const [i, r] of due.entries()) {
      const nearest = bureaus[i].at(-1);
      const escalatedTo = nearest ? [nearest.id] : [];
      // The mark and its event in one write: the notice of the escalation cannot be lost or sent twice.
      const { modifiedCount } = await model.updateOne(
        { _id: r._id, version: r.version, overdue: false },
        {
          $set: { overdue: true, overdueAt: now, escalatedTo, version: r.version + 1 },
          $push: { outbox: rectificationEvent(RectificationOverdueV1, r, r.version + 1, { escalatedTo }) },
        },
      );
      marked += modifiedCount;
    }
    if (marked > 0) this.relay.nudge();
    return marked;
  }
}

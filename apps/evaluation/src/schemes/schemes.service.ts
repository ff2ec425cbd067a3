import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Collection, Model } from 'mongoose';
import { SchemeChangedV1, type Indicator, type SchemeBody, type SchemeKind } from '@pb/contracts';
import { OutboxRelay, pendingEvent } from '@pb/messaging';
import { insertNew } from '@pb/persistence';
import { auditWriteEvent, checkIfMatch, Clock, notFoundProblem, problem, type FieldProblem, type Identity } from '@pb/platform';
import { frozenSchemeId, SCHEME_MODEL, SCHEME_NOT_FOUND, schemeId, type Scheme } from './scheme.schema.js';
import { SHIPPED_SCHEMES } from './shipped-schemes.js';

/** What callers read of a scheme: never its outbox. */
export type SchemeView = Omit<Scheme, '_id' | 'outbox'> & { id: string };

/** Tries of an edit that lost a race with a concurrent edit or the first score (each re-reads the scheme). */
const EDIT_TRIES = 5;

/** 考核方案 The city's schemes per kind and year, their versions, and the shipped ones. */
@Injectable()
export class SchemesService implements OnModuleInit {
  constructor(
    @InjectModel(SCHEME_MODEL) private readonly schemes: Model<Scheme>,
    private readonly relay: OutboxRelay,
    private readonly clock: Clock,
  ) {}

  onModuleInit() {
    this.relay.register(this.schemes);
  }

  view(doc: Scheme): SchemeView {
    const { _id, outbox: _o, ...rest } = doc;
    return { id: schemeId(doc.kind, doc.year), ...rest };
  }

  /** The scheme in force for a kind and year: the shipped one until the city sets it (written on first use, once). */
  async current(kind: SchemeKind, year: number): Promise<Scheme> {
    const id = schemeId(kind, year);
    const found = await this.schemes.findById(id, { outbox: 0 }).lean<Scheme>();
    if (found) return found;
    const shipped: Scheme = {
      _id: id,
      kind,
      year,
      schemeVersion: 1,
      ...structuredClone(SHIPPED_SCHEMES[kind]),
      scoringStarted: false,
      version: 1,
      updatedAt: null,
      updatedBy: null,
      outbox: [],
    };
    await insertNew(this.schemes.collection as unknown as Collection<Scheme>, [shipped]);
    return (await this.schemes.findById(id, { outbox: 0 }).lean<Scheme>()) ?? shipped;
  }

  /** One version of a scheme: the one in force, or a frozen earlier one. */
  async version(kind: SchemeKind, year: number, schemeVersion?: number): Promise<Scheme> {
    const current = await this.current(kind, year);
    if (schemeVersion === undefined || schemeVersion === current.schemeVersion) return current;
    const frozen = await this.schemes.findById(frozenSchemeId(kind, year, schemeVersion), { outbox: 0 }).lean<Scheme>();
    if (!frozen) throw notFoundProblem(SCHEME_NOT_FOUND);
    return frozen;
  }

  /**
   * The version scores are recorded under from now on: the one in force, marked as scored so that the
   * next edit makes a new version. Marked before the score is written, so an edit racing the score
   * either lands before the mark (and the score is checked against the edited scheme) or makes a new version.
   */
  async startScoring(kind: SchemeKind, year: number): Promise<Scheme> {
    for (;;) {
      const current = await this.current(kind, year);
      if (current.scoringStarted) return current;
      const { modifiedCount } = await this.schemes.updateOne(
        { _id: current._id, version: current.version },
        { $set: { scoringStarted: true }, $inc: { version: 1 } },
      );
      if (modifiedCount === 1) return { ...current, scoringStarted: true, version: current.version + 1 };
    }
  }

  /**
   * Sets a scheme (city administrators; the route admits no one else). In place while no score exists
   * under the version in force; else that version is kept frozen and the edit becomes the next one.
   */
  async set(
    kind: SchemeKind,
    year: number,
    body: SchemeBody,
    caller: Identity,
    ifMatch?: string,
    correlationId?: string,
  ): Promise<SchemeView> {
    checkScheme(body);
    for (let attempt = 0; attempt < EDIT_TRIES; attempt++) {
      const current = await this.current(kind, year);
      checkIfMatch(ifMatch, current.version);
      const next = current.scoringStarted ? current.schemeVersion + 1 : current.schemeVersion;
      if (current.scoringStarted) {
        // Frozen under its own id first: a crash before the update below leaves the version in force unchanged.
        await insertNew(this.schemes.collection as unknown as Collection<Scheme>, [
          { ...current, _id: frozenSchemeId(kind, year, current.schemeVersion), outbox: [] },
        ]);
      }
      const version = current.version + 1;
      const set = {
        name: body.name,
        groups: body.groups,
        grades: body.grades,
        schemeVersion: next,
        scoringStarted: false,
        version,
        updatedAt: this.clock.now(),
        updatedBy: caller.sub,
      };
      const events = [
        pendingEvent(SchemeChangedV1, {
          key: caller.orgUnitId,
          subject: `schemes/${current._id}`,
          data: { cityId: caller.orgUnitId, kind, year, schemeVersion: next, version },
          ...(correlationId ? { correlationId } : {}),
        }),
        auditWriteEvent({
          service: 'evaluation',
          actor: caller,
          action: current.scoringStarted ? 'scheme.versioned' : 'scheme.edited',
          resourceType: 'assessment-scheme',
          resourceId: current._id,
          unitId: caller.orgUnitId,
          before: { schemeVersion: current.schemeVersion, groups: current.groups, grades: current.grades, version: current.version },
          after: { schemeVersion: next, groups: body.groups, grades: body.grades, version },
          ...(correlationId ? { correlationId } : {}),
        }),
      ];
      const { modifiedCount } = await this.schemes.updateOne(
        { _id: current._id, version: current.version },
        { $set: set, $push: { outbox: { $each: events } } },
      );
      if (modifiedCount === 1) {
        this.relay.nudge();
        return this.view({ ...current, ...set, outbox: [] });
      }
      // The first score or another edit came between: read again (an If-Match given now fails with 412).
    }
    throw problem.stale({ zh: '考核方案正被修改，请重新读取后再试', en: 'The scheme is being changed; read it again and retry' });
  }
}

/** The rules a scheme's schema cannot say: grade thresholds in order, keys unique. 422 naming the field. */
export function checkScheme(body: SchemeBody): void {
  const errors: FieldProblem[] = [];
  const { excellent, good, pass } = body.grades;
  if (!(excellent > good && good > pass)) {
    errors.push({
      pointer: '/grades',
      rule: 'order',
      message: { zh: '等级线须满足 优秀 > 良好 > 合格', en: 'Thresholds must be excellent > good > pass' },
    });
  }
  const groupKeys = new Set<string>();
  const indicatorKeys = new Set<string>();
  body.groups.forEach((g, gi) => {
    if (groupKeys.has(g.key)) errors.push(duplicate(`/groups/${gi}/key`, g.key));
    groupKeys.add(g.key);
    g.indicators.forEach((ind: Indicator, ii) => {
      if (indicatorKeys.has(ind.key)) errors.push(duplicate(`/groups/${gi}/indicators/${ii}/key`, ind.key));
      indicatorKeys.add(ind.key);
    });
  });
  if (errors.length > 0) throw problem.ruleViolation({ zh: '考核方案不符合规则', en: 'The scheme breaks a rule' }, errors);
}

const duplicate = (pointer: string, key: string): FieldProblem => ({
  pointer,
  rule: 'unique',
  message: { zh: `标识 ${key} 重复`, en: `Key ${key} is used twice` },
});

/** Every indicator of a scheme by key. */
export function indicatorsOf(scheme: Pick<Scheme, 'groups'>): Map<string, Indicator> {
  return new Map(scheme.groups.flatMap((g) => g.indicators.map((i) => [i.key, i] as const)));
}

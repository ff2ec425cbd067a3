import { randomUUID } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import {
  ContactPointCreatedV1,
  ContactPointEndedV1,
  ContactPointVisitLoggedV1,
  type CreateContactPointDto,
  type EndContactPointDto,
  type LogVisitDto,
} from '@pb/contracts';
import { OutboxRelay, pendingEvent, type OutboxEvent } from '@pb/messaging';
import { insertOrFail } from '@pb/persistence';
import { checkIfMatch, InjectScopedModel, Scope, type ScopedModel } from '@pb/platform';
import { conflict, ruleBroken } from '../common/problems.js';
import { versionedWrite } from '../common/versioned-write.js';
import { requireAdmin } from '../common/scope.js';
import { registryAudit } from '../common/audit.js';
import { personalView } from '../common/personal-data.js';
import { isBureau } from '../org-units/tree.js';
import { TreeReader } from '../org-units/tree.reader.js';
import { CONTACT_POINT_MODEL, type ContactPoint } from './contact-point.schema.js';

/** The cadre's name is personal: absent from an analyst's view. */
export type ContactPointView = Omit<ContactPoint, '_id' | 'outbox' | 'cityId' | 'cadreName'> & { id: string; cadreName?: string | null };

function cpView(c: ContactPoint): ContactPointView {
  const { _id, outbox: _o, cityId: _c, ...rest } = c;
  return { id: _id, ...rest };
}

/** A contact point as an analyst sees it: the cadre by account, not by name. */
function withoutNames(view: ContactPointView): ContactPointView {
  const { cadreName: _n, ...rest } = view;
  return rest;
}

/** 联系点 Contact points: created and ended by bureaus, visits logged by the bureaus' people (the cadre among them). */
@Injectable()
export class ContactPointsService implements OnModuleInit {
  constructor(
    @InjectScopedModel(CONTACT_POINT_MODEL) private readonly points: ScopedModel<ContactPoint>,
    private readonly tree: TreeReader,
    private readonly relay: OutboxRelay,
  ) {}

  onModuleInit() {
    this.relay.register(this.points.unscoped(Scope.system('outbox relay')));
  }

  /** In scope: the school lies in the caller's subtree, or the caller is the cadre (the ownership's addressee). */
  private inScope(id: string, scope: Scope): Promise<ContactPoint> {
    return this.points.get(scope, id, { outbox: 0 });
  }

  async get(id: string, scope: Scope): Promise<ContactPointView> {
    return personalView(scope, withoutNames)(cpView(await this.inScope(id, scope)));
  }

  async listForSchool(schoolId: string, scope: Scope): Promise<ContactPointView[]> {
    await this.tree.unitInScope(schoolId, scope);
    const points = await this.points.find(scope, { schoolId }, { outbox: 0 }).sort({ _id: 1 }).lean<ContactPoint[]>();
    return points.map(cpView).map(personalView(scope, withoutNames));
  }

  async create(input: CreateContactPointDto, scope: Scope, correlationId?: string): Promise<ContactPointView> {
    requireAdmin(scope, { zh: '只有市、县教育局管理员可以建立联系点', en: 'Only city or county administrators create contact points' });
    const school = await this.tree.unitInScope(input.schoolId, scope);
    const bureau = await this.tree.unitInScope(input.cadreUnitId, scope);
    if (isBureau(school.kind) || school.status !== 'open') {
      throw ruleBroken({ zh: '联系点须为在册的基层学校或单位', en: 'A contact point is an open grassroots school or unit' }, [
        { pointer: '/schoolId', rule: 'grassroots-school', message: { zh: '请选择学校或单位', en: 'choose a school or unit' } },
      ]);
    }
    if (!isBureau(bureau.kind) || !school.path.includes(bureau._id)) {
      throw ruleBroken({ zh: '干部须来自该学校的上级教育局', en: "The cadre's bureau must be above the school" }, [
        {
          pointer: '/cadreUnitId',
          rule: 'bureau-above-school',
          message: { zh: '请选择上级教育局', en: 'choose a bureau above the school' },
        },
      ]);
    }
    const cp: ContactPoint = {
      _id: input.id ?? randomUUID(),
      cadreAccountId: input.cadreAccountId,
      cadreName: input.cadreName ?? null,
      cadreUnitId: bureau._id,
      schoolId: school._id,
      cityId: school.cityId,
      programme: input.programme ?? '干部下基层',
      since: input.since,
      endedOn: null,
      status: 'active',
      visits: [],
      version: 1,
      outbox: [],
    };
    cp.outbox = await this.relay.sequence(this.event(cp, 'created', correlationId), this.audit('created', null, cp, scope, correlationId));
    // Its school and the cadre's bureau were checked against the caller's scope above.
    await insertOrFail(
      () => this.points.unscoped(Scope.system('contact points: insert a point of a checked school')).create(cp),
      () => conflict({ zh: '联系点标识已存在', en: 'A contact point with this id exists' }),
    );
    this.relay.nudge();
    return cpView(cp);
  }

  /**
   * A visit, by a role the route table admits (Routes.postContactPointsVisits, checked by the guard):
   * in scope, which is the school's subtree or the linked cadre wherever it works.
   */
  async logVisit(id: string, input: LogVisitDto, scope: Scope, correlationId?: string): Promise<ContactPointView> {
    const cp = await this.inScope(id, scope);
    if (cp.status !== 'active') throw conflict({ zh: '联系点已结束', en: 'The contact point has ended' });
    if (input.date < cp.since) {
      throw ruleBroken({ zh: '走访日期早于联系开始日期', en: 'The visit is dated before the link began' }, [
        { pointer: '/date', rule: 'after-since', message: { zh: `应不早于 ${cp.since}`, en: `must be on or after ${cp.since}` } },
      ]);
    }
    const visit = { id: randomUUID(), ...input, loggedBy: scope.accountId, loggedAt: new Date() };
    const next: ContactPoint = { ...cp, visits: [...cp.visits, visit], version: cp.version + 1 };
    await this.write(
      scope,
      cp,
      { visits: next.visits, version: next.version },
      this.event(next, 'visit-logged', correlationId, visit),
      this.audit('visit-logged', cp, next, scope, correlationId),
    );
    return cpView(next);
  }

  async end(id: string, input: EndContactPointDto, scope: Scope, correlationId?: string, ifMatch?: string): Promise<ContactPointView> {
    requireAdmin(scope, { zh: '只有市、县教育局管理员可以结束联系点', en: 'Only city or county administrators end contact points' });
    const cp = await this.inScope(id, scope);
    checkIfMatch(ifMatch, cp.version);
    if (cp.status !== 'active') throw conflict({ zh: '联系点已结束', en: 'The contact point has ended' });
    const next: ContactPoint = { ...cp, status: 'ended', endedOn: input.endedOn, version: cp.version + 1 };
    await this.write(
      scope,
      cp,
      { status: 'ended', endedOn: input.endedOn, version: next.version },
      this.event(next, 'ended', correlationId),
      this.audit('ended', cp, next, scope, correlationId),
    );
    return cpView(next);
  }

  /** An optimistic single-document write: the change and its events, only if nobody changed the point meanwhile. */
  private async write(scope: Scope, cp: ContactPoint, set: Partial<ContactPoint>, ...events: OutboxEvent[]) {
    // Named by its school: checked by the scope, or else confined to what is addressed to the caller (the cadre).
    await versionedWrite(this.relay, this.points, scope, { _id: cp._id, schoolId: cp.schoolId, version: cp.version }, set, events);
  }

  /** The audit record of a write to one contact point, in the same document write as its event (docs/adr/0007); it belongs to the school. */
  private audit(
    verb: 'created' | 'visit-logged' | 'ended',
    before: ContactPoint | null,
    after: ContactPoint,
    scope: Scope,
    correlationId?: string,
  ): OutboxEvent {
    return registryAudit({ type: 'contact-point', id: after._id, unitId: after.schoolId }, verb, before, after, scope, correlationId);
  }

  private event(
    cp: ContactPoint,
    kind: 'created' | 'visit-logged' | 'ended',
    correlationId?: string,
    visit?: ContactPoint['visits'][number],
  ): OutboxEvent {
    const state = {
      contactPointId: cp._id,
      schoolId: cp.schoolId,
      cadreAccountId: cp.cadreAccountId,
      cadreUnitId: cp.cadreUnitId,
      programme: cp.programme,
      since: cp.since,
      endedOn: cp.endedOn,
      status: cp.status,
      visitCount: cp.visits.length,
      version: cp.version,
    };
    const common = { key: cp.schoolId, subject: `contact-points/${cp._id}`, ...(correlationId ? { correlationId } : {}) };
    if (kind === 'visit-logged' && visit) {
      return pendingEvent(ContactPointVisitLoggedV1, {
        ...common,
        data: { ...state, visit: { visitId: visit.id, date: visit.date, purpose: visit.purpose, outcome: visit.outcome } },
      });
    }
    return pendingEvent(kind === 'created' ? ContactPointCreatedV1 : ContactPointEndedV1, { ...common, data: state });
  }
}

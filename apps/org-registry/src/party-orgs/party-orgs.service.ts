import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { ClosePartyOrgDto, CreatePartyOrgDto, SetAffiliationDto, UpdatePartyOrgDto } from '@pb/contracts';
import { OutboxRelay, type OutboxEvent } from '@pb/messaging';
import { checkIfMatch, InjectScopedModel, Scope, type ScopedModel } from '@pb/platform';
import { insertOrFail, Leases } from '@pb/persistence';
import { conflict, forbidden, ruleBroken } from '../common/problems.js';
import { personalView } from '../common/personal-data.js';
import { requireAdmin } from '../common/scope.js';
import { registryAudit } from '../common/audit.js';
import { MEMBER_MODEL, type Member } from '../members/member.schema.js';
import type { OrgUnit } from '../org-units/org-unit.schema.js';
import { TreeReader } from '../org-units/tree.reader.js';
import { affiliationChangedEvents, partyOrgEvents } from './party-org.events.js';
import { PARTY_ORG_MODEL, PARTY_ORG_NOT_FOUND, type PartyOrg, type PartyOrgKind, type ResponsiblePerson } from './party-org.schema.js';
import { candidateSupervisors, defaultSupervisor, reviewersFor } from './routing.js';

/** Responsible persons by name, except in an analyst's view (no name there). */
type PersonView = Omit<ResponsiblePerson, 'name'> & { name?: string };
export type PartyOrgView = Omit<PartyOrg, '_id' | 'outbox' | 'history' | 'cityId' | 'principal' | 'deputy'> & {
  id: string;
  principal: PersonView;
  deputy: PersonView;
};

export { PARTY_ORG_NOT_FOUND } from './party-org.schema.js';
/** What is left under an organisation before it closes, wherever it lies: an integrity check, not a read. */
const BEFORE_CLOSE = Scope.system('party orgs: members and open organisations left before a close');
const RANK: Record<PartyOrgKind, number> = { committee: 3, 'general-branch': 2, branch: 1 };
const NO_OUTBOX = { outbox: 0, history: 0 } as const;

export function partyOrgView(doc: PartyOrg): PartyOrgView {
  const { _id, outbox: _o, history: _h, cityId: _c, ...rest } = doc;
  return { id: _id, ...rest };
}

/** An organisation as an analyst sees it: its responsible persons by post and account, not by name. */
function withoutNames(view: PartyOrgView): PartyOrgView {
  const { name: _p, ...principal } = view.principal;
  const { name: _d, ...deputy } = view.deputy;
  return { ...view, principal, deputy };
}

const badSupervisor = (candidates: string[]) =>
  ruleBroken({ zh: '主管教育局必须是该单位的上级教育局', en: 'The supervising bureau must be a bureau above the unit' }, [
    {
      pointer: '/supervisorId',
      rule: 'supervisor-above-unit',
      message: { zh: `可选：${candidates.join('、')}`, en: `one of: ${candidates.join(', ')}` },
    },
  ]);

/** 党组织 Party organisations at units, their affiliation and routing, and their responsible persons. */
@Injectable()
export class PartyOrgsService {
  constructor(
    @InjectScopedModel(PARTY_ORG_MODEL) private readonly partyOrgs: ScopedModel<PartyOrg>,
    @InjectScopedModel(MEMBER_MODEL) private readonly members: ScopedModel<Member>,
    private readonly tree: TreeReader,
    private readonly leases: Leases,
    private readonly relay: OutboxRelay,
  ) {}

  /** A party organisation whose unit lies in the caller's subtree, with that unit; 404 otherwise. */
  async inScope(id: string, scope: Scope): Promise<{ org: PartyOrg; unit: OrgUnit }> {
    const org = await this.partyOrgs.get(scope, id, NO_OUTBOX);
    const unit = scope.require(await this.tree.unit(org.unitId), (u) => u.path, PARTY_ORG_NOT_FOUND);
    return { org, unit };
  }

  async get(id: string, scope: Scope): Promise<PartyOrgView> {
    return personalView(scope, withoutNames)(partyOrgView((await this.inScope(id, scope)).org));
  }

  async listForUnit(unitId: string, scope: Scope): Promise<PartyOrgView[]> {
    await this.tree.unitInScope(unitId, scope);
    const docs = await this.partyOrgs.find(scope, { unitId }, NO_OUTBOX).sort({ _id: 1 }).lean<PartyOrg[]>();
    return docs.map(partyOrgView).map(personalView(scope, withoutNames));
  }

  async create(input: CreatePartyOrgDto, scope: Scope, correlationId?: string): Promise<PartyOrgView> {
    requireAdmin(scope, {
      zh: '只有市、县教育局管理员可以建立党组织',
      en: 'Only city or county administrators set up party organisations',
    });
    const city = (await this.tree.unitInScope(input.unitId, scope)).cityId;
    return this.leases.withLease(`org-tree:${city}`, async () => {
      const unit = await this.tree.unitInScope(input.unitId, scope);
      if (unit.status !== 'open') throw conflict({ zh: '单位已撤销', en: 'The unit is closed' });
      if (input.parentPartyOrgId) {
        const { org: parent, unit: parentUnit } = await this.inScope(input.parentPartyOrgId, scope);
        if (parent.status !== 'open' || !unit.path.includes(parentUnit._id) || RANK[parent.kind] <= RANK[input.kind]) {
          throw ruleBroken({ zh: '上级党组织不符', en: 'The parent organisation does not fit' }, [
            {
              pointer: '/parentPartyOrgId',
              rule: 'parent-party-org',
              message: {
                zh: '上级党组织须为本单位或上级单位的、层级更高的在册党组织',
                en: 'must be an open organisation of a higher kind at this unit or a unit above it',
              },
            },
          ]);
        }
      }
      const bureaus = await this.tree.bureausOn(unit.path);
      const candidates = candidateSupervisors(unit.path, bureaus).map((b) => b.id);
      const supervisorId = input.supervisorId ?? defaultSupervisor(unit.path, bureaus);
      if (!candidates.includes(supervisorId)) throw badSupervisor(candidates);
      const routing = input.routing ?? 'single';
      const id = input.id ?? randomUUID();
      const doc: PartyOrg = {
        _id: id,
        unitId: unit._id,
        cityId: unit.cityId,
        kind: input.kind,
        name: input.name,
        parentPartyOrgId: input.parentPartyOrgId ?? null,
        supervisorId,
        routing,
        reviewerIds: reviewersFor(routing, supervisorId, unit.path, bureaus),
        principal: input.principal,
        deputy: input.deputy,
        status: 'open',
        foundedOn: input.foundedOn ?? null,
        closedOn: null,
        version: 1,
        history: [{ version: 1, change: 'created', at: new Date(), by: scope.accountId }],
        outbox: [],
      };
      doc.outbox = await this.relay.sequence(
        ...partyOrgEvents(doc, { kind: 'created' }, correlationId),
        this.audit('created', null, doc, scope, correlationId),
      );
      // Its unit (and parent organisation) were checked against the caller's scope above.
      await insertOrFail(
        () => this.partyOrgs.unscoped(Scope.system('party orgs: insert an organisation at a checked unit')).create(doc),
        () => conflict({ zh: '党组织标识已存在', en: 'A party organisation with this id exists' }),
      );
      this.relay.nudge();
      return partyOrgView(doc);
    });
  }

  /** Name and responsible persons: the bureaus, and the school's own secretary for its organisations. */
  async update(id: string, input: UpdatePartyOrgDto, scope: Scope, correlationId?: string, ifMatch?: string): Promise<PartyOrgView> {
    if (!scope.has('city-admin', 'county-admin', 'school-secretary')) {
      throw forbidden({ zh: '无权修改党组织', en: 'Your role cannot change party organisations' });
    }
    return this.inTree(id, scope, async (org) => {
      checkIfMatch(ifMatch, org.version);
      const changed = (Object.keys(input) as (keyof UpdatePartyOrgDto)[]).filter(
        (k) => JSON.stringify(input[k]) !== JSON.stringify(org[k]),
      );
      if (changed.length === 0) return partyOrgView(org);
      const next: PartyOrg = { ...org, ...input, version: org.version + 1 };
      const set: Record<string, unknown> = { version: next.version };
      for (const k of changed) set[k] = input[k];
      await this.partyOrgs.updateOne(
        scope,
        { _id: id, unitId: org.unitId },
        {
          $set: set,
          $push: {
            history: { version: next.version, change: 'updated', at: new Date(), by: scope.accountId, changed },
            outbox: {
              $each: await this.relay.sequence(
                ...partyOrgEvents(next, { kind: 'updated', changed }, correlationId),
                this.audit('updated', org, next, scope, correlationId),
              ),
            },
          },
        },
      );
      this.relay.nudge();
      return partyOrgView(next);
    });
  }

  /** Affiliation and routing policy, set by a bureau: the supervisor must be a bureau above the unit. */
  async setAffiliation(
    id: string,
    input: SetAffiliationDto,
    scope: Scope,
    correlationId?: string,
    ifMatch?: string,
  ): Promise<PartyOrgView> {
    requireAdmin(scope, { zh: '只有市、县教育局管理员可以设定隶属关系', en: 'Only city or county administrators set affiliations' });
    return this.inTree(id, scope, async (org, unit) => {
      checkIfMatch(ifMatch, org.version);
      const bureaus = await this.tree.bureausOn(unit.path);
      const candidates = candidateSupervisors(unit.path, bureaus).map((b) => b.id);
      if (!candidates.includes(input.supervisorId) || !scope.reaches(unit.path.slice(0, unit.path.indexOf(input.supervisorId) + 1))) {
        throw badSupervisor(candidates);
      }
      const reviewerIds = reviewersFor(input.routing, input.supervisorId, unit.path, bureaus);
      if (input.supervisorId === org.supervisorId && input.routing === org.routing) return partyOrgView(org);
      const next: PartyOrg = { ...org, supervisorId: input.supervisorId, routing: input.routing, reviewerIds, version: org.version + 1 };
      const events = await this.relay.sequence(
        ...affiliationChangedEvents(org, next, { reason: 'set' }, correlationId),
        this.audit('affiliation-changed', org, next, scope, correlationId),
      );
      await this.partyOrgs.updateOne(
        scope,
        { _id: id, unitId: org.unitId },
        {
          $set: { supervisorId: next.supervisorId, routing: next.routing, reviewerIds, version: next.version },
          $push: {
            history: { version: next.version, change: 'affiliation-changed', at: new Date(), by: scope.accountId, reason: 'set' },
            outbox: { $each: events },
          },
        },
      );
      this.relay.nudge();
      return partyOrgView(next);
    });
  }

  /** Closes an organisation once no member and no open organisation under it is left. */
  async close(id: string, input: ClosePartyOrgDto, scope: Scope, correlationId?: string, ifMatch?: string): Promise<PartyOrgView> {
    requireAdmin(scope, { zh: '只有市、县教育局管理员可以撤销党组织', en: 'Only city or county administrators close party organisations' });
    return this.inTree(id, scope, async (org) => {
      checkIfMatch(ifMatch, org.version);
      if (org.status === 'closed') throw conflict({ zh: '党组织已撤销', en: 'The organisation is already closed' });
      const members = await this.members.countDocuments(BEFORE_CLOSE, { partyOrgId: id });
      const children = await this.partyOrgs.countDocuments(BEFORE_CLOSE, { parentPartyOrgId: id, status: 'open' });
      if (members > 0 || children > 0) {
        throw conflict({ zh: '尚有党员或下级党组织', en: 'Members or open organisations are still under it' }, [
          {
            pointer: '/',
            rule: 'empty-before-close',
            message: {
              zh: `党员 ${members} 名，下级党组织 ${children} 个，请先转接或撤销`,
              en: `${members} member(s), ${children} organisation(s): transfer or close them first`,
            },
          },
        ]);
      }
      const next: PartyOrg = { ...org, status: 'closed', closedOn: input.closedOn, version: org.version + 1 };
      await this.partyOrgs.updateOne(
        scope,
        { _id: id, unitId: org.unitId },
        {
          $set: { status: 'closed', closedOn: input.closedOn, version: next.version },
          $push: {
            history: { version: next.version, change: 'closed', at: new Date(), by: scope.accountId },
            outbox: {
              $each: await this.relay.sequence(
                ...partyOrgEvents(next, { kind: 'closed' }, correlationId),
                this.audit('closed', org, next, scope, correlationId),
              ),
            },
          },
        },
      );
      this.relay.nudge();
      return partyOrgView(next);
    });
  }

  /**
   * The audit record of a write to one organisation, sequenced and written with its events in the
   * same document write (docs/adr/0007); it belongs to the organisation's unit (the school).
   */
  private audit(
    verb: 'created' | 'updated' | 'affiliation-changed' | 'closed',
    before: PartyOrg | null,
    after: PartyOrg,
    scope: Scope,
    correlationId?: string,
  ): OutboxEvent {
    return registryAudit({ type: 'party-org', id: after._id, unitId: after.unitId }, verb, before, after, scope, correlationId);
  }

  /** A change of one organisation under its city's tree lease (moves rewrite affiliations under it too). */
  private async inTree<T>(id: string, scope: Scope, change: (org: PartyOrg, unit: OrgUnit) => Promise<T>): Promise<T> {
    const { org } = await this.inScope(id, scope);
    return this.leases.withLease(`org-tree:${org.cityId}`, async () => {
      const fresh = await this.inScope(id, scope);
      return change(fresh.org, fresh.unit);
    });
  }
}

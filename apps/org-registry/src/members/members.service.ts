import { randomUUID } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import {
  MemberMilestoneRecordedV1,
  MemberRegisteredV1,
  MemberTransferredV1,
  type RecordMilestoneDto,
  type RegisterMemberDto,
  type TransferMemberDto,
} from '@pb/contracts';
import { OutboxRelay, pendingEvent, type OutboxEvent } from '@pb/messaging';
import { insertOrFail } from '@pb/persistence';
import {
  checkIfMatch,
  type FieldProblem,
  InjectScopedModel,
  pageOf,
  Scope,
  type Page,
  type PageRequest,
  type ScopedModel,
} from '@pb/platform';
import { today } from '../common/dates.js';
import { conflict, forbidden, notFound, ruleBroken } from '../common/problems.js';
import { versionedWrite } from '../common/versioned-write.js';
import { registryAudit } from '../common/audit.js';
import { checkMilestones, sortMilestones, statusOf, violationsOf, type Violation } from '../milestone-rules/milestone-check.js';
import { MilestoneRulesService } from '../milestone-rules/milestone-rules.service.js';
import type { OrgUnit } from '../org-units/org-unit.schema.js';
import type { PartyOrg } from '../party-orgs/party-org.schema.js';
import { PartyOrgsService } from '../party-orgs/party-orgs.service.js';
import { PERSONAL_DATA_READERS } from '../common/personal-data.js';
import { MEMBER_MODEL, MEMBER_NOT_FOUND, type Member } from './member.schema.js';

export type MemberView = Omit<Member, '_id' | 'outbox' | 'cityId' | 'flagged'> & { id: string };

/** Flagged records are scanned across the city, each one shown only if the caller may read its branch. */
const FLAGGED_SCAN = Scope.system('flagged members: a scan, each record checked against the caller');
const READERS = PERSONAL_DATA_READERS;
const WRITERS = ['city-admin', 'county-admin', 'school-secretary'] as const;

function memberView(m: Member): MemberView {
  const { _id, outbox: _o, cityId: _c, flagged: _f, ...rest } = m;
  return { id: _id, ...rest };
}

/** Who may see a branch's personal data: the branch's own unit, its supervisor and the bureaus above, its reviewers. */
export function personalDataReaders(org: Pick<PartyOrg, 'supervisorId' | 'reviewerIds'>, unit: Pick<OrgUnit, '_id' | 'path'>): string[] {
  return [unit._id, ...unit.path.slice(0, unit.path.indexOf(org.supervisorId) + 1), ...org.reviewerIds];
}

function problems(violations: Violation[]): FieldProblem[] {
  return violations.map((v) => ({ pointer: `/milestones/${v.milestone}`, rule: v.rule, message: v.message }));
}

/** 党员 Members and their development milestones, checked against the supervising bureau's rules. */
@Injectable()
export class MembersService implements OnModuleInit {
  constructor(
    @InjectScopedModel(MEMBER_MODEL) private readonly members: ScopedModel<Member>,
    private readonly partyOrgs: PartyOrgsService,
    private readonly rules: MilestoneRulesService,
    private readonly relay: OutboxRelay,
  ) {}

  onModuleInit() {
    this.relay.register(this.members.unscoped(Scope.system('outbox relay')));
  }

  /**
   * The organisation (in the caller's subtree, else 404) and the check that the caller may handle its
   * members' personal data (else 403): analysts never; others when their unit is the branch's own or
   * a supervising bureau.
   */
  private async branchFor(partyOrgId: string, scope: Scope, write: boolean): Promise<{ org: PartyOrg; unit: OrgUnit }> {
    const found = await this.partyOrgs.inScope(partyOrgId, scope);
    if (!scope.has(...(write ? WRITERS : READERS))) {
      throw forbidden(
        write
          ? { zh: '无权修改党员记录', en: 'Your role cannot change member records' }
          : {
              zh: '党员信息仅限所在党组织及其上级主管教育局查看；分析人员只能看统计',
              en: 'Member data is for the branch and its supervising bureaus; analysts see aggregates only',
            },
      );
    }
    if (!personalDataReaders(found.org, found.unit).includes(scope.orgUnitId)) {
      throw forbidden({ zh: '党员信息仅限所在党组织及其主管教育局', en: 'Member data is for the branch and its supervising bureaus only' });
    }
    return found;
  }

  private async memberFor(id: string, scope: Scope, write: boolean) {
    const member = await this.members.get(scope, id, { outbox: 0 });
    try {
      return { member, ...(await this.branchFor(member.partyOrgId, scope, write)) };
    } catch (err) {
      if ((err as { getStatus?: () => number }).getStatus?.() === 404) throw notFound(MEMBER_NOT_FOUND);
      throw err;
    }
  }

  private async rulesFor(org: PartyOrg, unit: OrgUnit) {
    return this.rules.effective(unit.path.slice(0, unit.path.indexOf(org.supervisorId) + 1));
  }

  async get(id: string, scope: Scope): Promise<MemberView> {
    return memberView((await this.memberFor(id, scope, false)).member);
  }

  async listForBranch(partyOrgId: string, scope: Scope, page: PageRequest, status?: string): Promise<Page<MemberView>> {
    const { org } = await this.branchFor(partyOrgId, scope, false);
    // A branch's records are at its unit, which the scope has just checked.
    const query: Record<string, unknown> = { partyOrgId, unitId: org.unitId };
    if (status) query['status'] = status;
    if (page.after) query['_id'] = { $gt: page.after[0] };
    const docs = await this.members
      .find(scope, query, { outbox: 0 })
      .sort({ _id: 1 })
      .limit(page.limit + 1)
      .lean<Member[]>();
    return pageOf(docs.map(memberView), page.limit, (m) => [m.id]);
  }

  /** Flagged records (imported history that breaks a rule) the caller may inspect. */
  async flagged(scope: Scope, page: PageRequest): Promise<Page<MemberView>> {
    if (!scope.has('inspector', 'city-admin', 'county-admin')) {
      throw forbidden({ zh: '仅检查人员和教育局管理员可查看', en: 'For inspectors and bureau administrators' });
    }
    const out: Member[] = [];
    let after = page.after?.[0] as string | undefined;
    for (;;) {
      const query: Record<string, unknown> = { flagged: true };
      if (after) query['_id'] = { $gt: after };
      const batch = await this.members.find(FLAGGED_SCAN, query, { outbox: 0 }).sort({ _id: 1 }).limit(200).lean<Member[]>();
      for (const m of batch) {
        const ok = await this.branchFor(m.partyOrgId, scope, false).then(
          () => true,
          () => false,
        );
        if (ok) out.push(m);
        if (out.length > page.limit) break;
      }
      if (out.length > page.limit || batch.length < 200) break;
      after = batch[batch.length - 1]._id;
    }
    return pageOf(out.map(memberView), page.limit, (m) => [m.id]);
  }

  async register(partyOrgId: string, input: RegisterMemberDto, scope: Scope, correlationId?: string): Promise<MemberView> {
    const { org, unit } = await this.branchFor(partyOrgId, scope, true);
    this.checkBranch(org);
    const kinds = input.milestones.map((m) => m.kind);
    if (new Set(kinds).size !== kinds.length) {
      throw ruleBroken({ zh: '同一节点重复', en: 'A milestone appears twice' }, [
        {
          pointer: '/milestones',
          rule: 'unique-milestone',
          message: { zh: '每个节点只能记录一次', en: 'each milestone is recorded once' },
        },
      ]);
    }
    const milestones = sortMilestones(input.milestones);
    const { rules, source } = await this.rulesFor(org, unit);
    const violations = checkMilestones(milestones, rules, input.person.birthDate, today());
    const imported = input.imported ?? false;
    if (!imported && violations.length > 0) {
      throw ruleBroken(
        { zh: `违反${source === 'default' ? '默认' : source + ' 的'}党员发展程序规则`, en: `Breaks the milestone rules of ${source}` },
        problems(violations),
      );
    }
    const member: Member = {
      _id: input.id ?? randomUUID(),
      partyOrgId: org._id,
      unitId: unit._id,
      cityId: unit.cityId,
      person: input.person,
      milestones,
      status: statusOf(milestones),
      imported,
      flags: violations,
      flagged: violations.length > 0,
      transfers: [],
      version: 1,
      registeredAt: new Date(),
      registeredBy: scope.accountId,
      outbox: [],
    };
    member.outbox = await this.relay.sequence(
      this.event(member, 'registered', correlationId),
      this.audit('registered', null, member, scope, correlationId),
    );
    // Its branch was checked against the caller's scope (`branchFor`).
    await insertOrFail(
      () => this.members.unscoped(Scope.system('members: insert a record of a checked branch')).create(member),
      () => conflict({ zh: '党员记录标识已存在', en: 'A member record with this id exists' }),
    );
    this.relay.nudge();
    return memberView(member);
  }

  /** Records the next milestone; refused (422, rule named) when it breaks a rule, even for imported records. */
  async recordMilestone(
    id: string,
    input: RecordMilestoneDto,
    scope: Scope,
    correlationId?: string,
    ifMatch?: string,
  ): Promise<MemberView> {
    const { member, org, unit } = await this.memberFor(id, scope, true);
    checkIfMatch(ifMatch, member.version);
    if (member.milestones.some((m) => m.kind === input.kind)) {
      throw conflict({ zh: '该节点已记录', en: 'This milestone is already recorded' }, [
        { pointer: '/kind', rule: 'unique-milestone', message: { zh: '每个节点只能记录一次', en: 'each milestone is recorded once' } },
      ]);
    }
    const milestones = sortMilestones([...member.milestones, input]);
    const { rules, source } = await this.rulesFor(org, unit);
    const violations = violationsOf(input.kind, checkMilestones(milestones, rules, member.person.birthDate, today()));
    if (violations.length > 0) {
      throw ruleBroken(
        { zh: `违反${source === 'default' ? '默认' : source + ' 的'}党员发展程序规则`, en: `Breaks the milestone rules of ${source}` },
        problems(violations),
      );
    }
    const next: Member = { ...member, milestones, status: statusOf(milestones), version: member.version + 1 };
    await this.write(
      scope,
      member,
      { milestones, status: next.status, version: next.version },
      this.event(next, 'milestone-recorded', correlationId),
      this.audit('milestone-recorded', member, next, scope, correlationId),
    );
    return memberView(next);
  }

  /** 组织关系转接 Moves the record to another branch; milestones, flags and earlier transfers stay with it. */
  async transfer(id: string, input: TransferMemberDto, scope: Scope, correlationId?: string, ifMatch?: string): Promise<MemberView> {
    const { member } = await this.memberFor(id, scope, true);
    checkIfMatch(ifMatch, member.version);
    if (input.toPartyOrgId === member.partyOrgId) throw conflict({ zh: '已在该党支部', en: 'Already in that branch' });
    const { org, unit } = await this.branchFor(input.toPartyOrgId, scope, true);
    this.checkBranch(org);
    const transfer = {
      fromPartyOrgId: member.partyOrgId,
      fromUnitId: member.unitId,
      toPartyOrgId: org._id,
      toUnitId: unit._id,
      date: input.date,
      ...(input.note ? { note: input.note } : {}),
      at: new Date(),
      by: scope.accountId,
    };
    const next: Member = {
      ...member,
      partyOrgId: org._id,
      unitId: unit._id,
      cityId: unit.cityId,
      transfers: [...member.transfers, transfer],
      version: member.version + 1,
    };
    const event = pendingEvent(MemberTransferredV1, {
      key: unit._id,
      subject: `members/${member._id}`,
      data: { ...this.state(next), fromPartyOrgId: member.partyOrgId, fromUnitId: member.unitId },
      ...(correlationId ? { correlationId } : {}),
    });
    // Audited for the receiving school and, when the record leaves a school, for the sending one too:
    // each school's bureaus see the transfer in their own log.
    const audits = [this.audit('transferred', member, next, scope, correlationId)];
    if (member.unitId !== unit._id) audits.push(this.audit('transferred-out', member, next, scope, correlationId, member.unitId));
    await this.write(
      scope,
      member,
      { partyOrgId: org._id, unitId: unit._id, cityId: unit.cityId, transfers: next.transfers, version: next.version },
      event,
      ...audits,
    );
    return memberView(next);
  }

  private checkBranch(org: PartyOrg) {
    if (org.kind !== 'branch' || org.status !== 'open') {
      throw ruleBroken({ zh: '党员须属于在册的党支部', en: 'Members belong to an open branch' }, [
        { pointer: '/partyOrgId', rule: 'open-branch', message: { zh: '请选择在册的党支部', en: 'choose an open branch (党支部)' } },
      ]);
    }
  }

  /** An optimistic single-document write: the change and its events, only if nobody changed the record meanwhile. */
  private async write(scope: Scope, member: Member, set: Partial<Member>, ...events: OutboxEvent[]) {
    await versionedWrite(this.relay, this.members, scope, { _id: member._id, unitId: member.unitId, version: member.version }, set, events);
  }

  /**
   * The audit record of a write to one member record, written with its event in the same document
   * write (docs/adr/0007). It belongs to the record's school (after a transfer, the receiving one; the
   * sending one gets its own `transferred-out` record) and carries the personal data, which is why
   * audit.writes.v1 is an internal topic.
   */
  private audit(
    verb: 'registered' | 'milestone-recorded' | 'transferred' | 'transferred-out',
    before: Member | null,
    after: Member,
    scope: Scope,
    correlationId?: string,
    unitId = after.unitId,
  ): OutboxEvent {
    return registryAudit({ type: 'member', id: after._id, unitId }, verb, before, after, scope, correlationId);
  }

  /** What analysts may see: ids, status and counts. No name, id number, birth date or milestone date. */
  private state(m: Member) {
    return {
      memberId: m._id,
      partyOrgId: m.partyOrgId,
      unitId: m.unitId,
      status: m.status,
      milestoneCount: m.milestones.length,
      imported: m.imported,
      flaggedRuleCount: m.flags.length,
      version: m.version,
    };
  }

  private event(m: Member, kind: 'registered' | 'milestone-recorded', correlationId?: string): OutboxEvent {
    const contract = kind === 'registered' ? MemberRegisteredV1 : MemberMilestoneRecordedV1;
    return pendingEvent(contract, {
      key: m.unitId,
      subject: `members/${m._id}`,
      data: this.state(m),
      ...(correlationId ? { correlationId } : {}),
    });
  }
}

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getModelToken } from '@nestjs/mongoose';

import type { Model } from 'mongoose';
import {
  AuditWriteRecordedV1,
  CE_HEADER,
  ContactPointCreatedV1,
  ContactPointEndedV1,
  ContactPointVisitLoggedV1,
  MemberMilestoneRecordedV1,
  MemberRegisteredV1,
  MemberTransferredV1,
  MilestoneRulesChangedV1,
  OrgUnitClosedV1,
  OrgUnitCreatedV1,
  OrgUnitMovedV1,
  OrgUnitRenamedV1,
  PartyOrgAffiliationChangedV1,
  PartyOrgClosedV1,
  PartyOrgCreatedV1,
  PartyOrgUpdatedV1,
} from '@pb/contracts';
import { KafkaClient, OutboxRelay, type OutboxEvent } from '@pb/messaging';
import type { Identity } from '@pb/platform';
import { identity, startAtEnd, startService, testKafka, type ServiceUnderTest } from '@pb/testing';
import { CONTACT_POINT_MODEL } from './contact-points/contact-point.schema.js';
import { MEMBER_MODEL } from './members/member.schema.js';
import { RULE_SET_MODEL } from './milestone-rules/rule-set.schema.js';
import { ORG_UNIT_MODEL } from './org-units/org-unit.schema.js';
import { PARTY_ORG_MODEL } from './party-orgs/party-org.schema.js';
import { RegistryModule } from './registry.module.js';

// The org registry on the real store and broker: every write route leaves its audit record in the
// outbox of the document it changes, beside its domain events (docs/adr/0007), and the relay
// publishes it on audit.writes.v1.
const run = randomBytes(3).toString('hex');
const C = `city-${run}`;
const K1 = `k1-${run}`;
const K2 = `k2-${run}`;
const S = `s1-${run}`;
const CAMPUS = `s1-campus-${run}`;
const AUDIT = AuditWriteRecordedV1.type;

type Audit = OutboxEvent & {
  data: {
    action: string;
    unitId: string;
    actor: Identity;
    correlationId?: string;
    before: Record<string, unknown> | null;
    after: Record<string, unknown> | null;
  };
};

describe('org-registry', () => {
  let app: NestFastifyApplication;
  const as = identity;
  const city = as(C, ['city-admin']);
  const county1 = as(K1, ['county-admin']);
  const county2 = as(K2, ['county-admin']);
  const secretary = as(S, ['school-secretary']);
  /** The audit ids found in the outboxes, by resource, for the check on the topic. */
  const recorded = new Map<string, Audit>();

  let service: ServiceUnderTest;
  /** A write as `who` under `correlationId`; what it answers, or a failure on anything but success. */
  async function call(who: Identity, method: 'PATCH' | 'PUT' | 'POST', url: string, body: unknown, correlationId: string) {
    const res = await service.call(who, method, url, body, { 'x-correlation-id': correlationId });
    if (res.status >= 300) throw new Error(`${method} ${url} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body as unknown;
  }
  const post = (who: Identity, url: string, body: unknown, correlationId: string) => call(who, 'POST', url, body, correlationId);

  async function outboxOf(model: string, id: string): Promise<OutboxEvent[]> {
    const doc = await app
      .get<Model<{ _id: string; outbox: OutboxEvent[] }>>(getModelToken(model))
      .findById(id, { outbox: 1 })
      .lean<{ outbox: OutboxEvent[] }>();
    return doc?.outbox ?? [];
  }

  /**
   * The one audit record of `action` in the document's outbox, checked against what every record must
   * hold: written with (right after) the write's own events, sequenced with them where they are, keyed
   * by its unit, the caller as actor, the request's correlation id, no outbox or history in the snapshots.
   */
  async function auditIn(
    model: string,
    id: string,
    [action, event]: [string, { type: string }],
    unitId: string,
    actor: Identity,
    correlationId: string,
  ): Promise<Audit> {
    const expected = { action, event: event.type, unitId, actor, correlationId };
    const outbox = await outboxOf(model, id);
    const audits = outbox.filter(
      (e) => e.type === AUDIT && e.data['action'] === expected.action && e.correlationId === expected.correlationId,
    ) as Audit[];
    expect(audits).toHaveLength(1);
    const audit = audits[0];
    const at = outbox.indexOf(audit);
    // The write's own events come right before it, in the same document: the domain event is among them.
    const ownEvents = outbox.slice(0, at).filter((e) => e.correlationId === expected.correlationId);
    expect(ownEvents.map((e) => e.type)).toContain(expected.event);
    expect(outbox[at - 1].correlationId).toBe(expected.correlationId);
    expect(audit.seq).toBe(outbox[at - 1].seq === undefined ? undefined : outbox[at - 1].seq! + 1);
    expect(audit.topic).toBe(AuditWriteRecordedV1.topic);
    expect(audit.key).toBe(expected.unitId);
    expect(audit.data).toMatchObject({
      service: 'org-registry',
      action: expected.action,
      unitId: expected.unitId,
      resourceId: id,
      actor: { sub: expected.actor.sub, orgUnitId: expected.actor.orgUnitId, roles: expected.actor.roles },
      correlationId: expected.correlationId,
    });
    expect(audit.data.after).not.toBeNull();
    for (const snapshot of [audit.data.before, audit.data.after]) {
      expect(Object.keys(snapshot ?? {}).filter((k) => k === 'outbox' || k === 'history')).toEqual([]);
    }
    recorded.set(audit.data['auditId'] as string, audit);
    return audit;
  }

  beforeAll(async () => {
    service = await startService({ service: 'org-registry', consume: false, features: () => [RegistryModule] }, { db: `it_orgs_${run}` });
    app = service.app;
    // The outboxes keep what the writes put in them until the relay starts again (the last test).
    await app.get(OutboxRelay).stop();
    await post(city, '/api/v1/org-units', { id: C, code: `C-${run}`, name: '市教育局', kind: 'city-bureau', parentId: null }, `c-${run}`);
    await post(
      city,
      '/api/v1/org-units/batch',
      {
        units: [
          { id: K1, code: `K1-${run}`, name: '一县教育局', kind: 'county-bureau', parentId: C },
          { id: K2, code: `K2-${run}`, name: '二县教育局', kind: 'county-bureau', parentId: C },
          { id: S, code: `S1-${run}`, name: '第一中学', kind: 'school', parentId: K1 },
          { id: CAMPUS, code: `S1C-${run}`, name: '第一中学东校区', kind: 'unit', parentId: S },
        ],
      },
      `batch-${run}`,
    );
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  });

  it('records each write with who, the unit, and the document before and after, in the write itself', async () => {
    // Creation, one unit and a batch: no before, the unit after.
    const root = await auditIn(ORG_UNIT_MODEL, C, ['org-unit.created', OrgUnitCreatedV1], C, city, `c-${run}`);
    expect(root.data.before).toBeNull();
    expect(root.data.after).toMatchObject({ _id: C, name: '市教育局', path: [C] });
    const batched = await auditIn(ORG_UNIT_MODEL, S, ['org-unit.created', OrgUnitCreatedV1], S, city, `batch-${run}`);
    expect(batched.data.after).toMatchObject({ path: [C, K1, S] });

    // Rename, by the county.
    await call(county1, 'PATCH', `/api/v1/org-units/${S}`, { name: '第一实验中学' }, `rename-${run}`);
    const renamed = await auditIn(ORG_UNIT_MODEL, S, ['org-unit.renamed', OrgUnitRenamedV1], S, county1, `rename-${run}`);
    expect(renamed.data.before).toMatchObject({ name: '第一中学', version: 1 });
    expect(renamed.data.after).toMatchObject({ name: '第一实验中学', version: 2 });

    // Move to the other county: audited once, on the moved unit; its campus follows without a record of its own.
    await post(city, `/api/v1/org-units/${S}/move`, { parentId: K2 }, `move-${run}`);
    const moved = await auditIn(ORG_UNIT_MODEL, S, ['org-unit.moved', OrgUnitMovedV1], S, city, `move-${run}`);
    expect(moved.data.before).toMatchObject({ parentId: K1, path: [C, K1, S] });
    expect(moved.data.after).toMatchObject({ parentId: K2, path: [C, K2, S] });
    expect(moved.data.after).not.toHaveProperty('pendingMove');
    const campus = await outboxOf(ORG_UNIT_MODEL, CAMPUS);
    expect(campus.filter((e) => e.type === OrgUnitMovedV1.type)).toHaveLength(1);
    expect(campus.filter((e) => e.type === AUDIT).map((e) => e.data['action'])).toEqual(['org-unit.created']);

    // Close the campus.
    await post(county2, `/api/v1/org-units/${CAMPUS}/close`, { closedOn: '2030-01-31' }, `close-${run}`);
    const closed = await auditIn(ORG_UNIT_MODEL, CAMPUS, ['org-unit.closed', OrgUnitClosedV1], CAMPUS, county2, `close-${run}`);
    expect([closed.data.before?.['status'], closed.data.after?.['status'], closed.data.after?.['closedOn']]).toEqual([
      'open',
      'closed',
      '2030-01-31',
    ]);

    // Party organisations of the school: create, update (its own secretary), affiliation, close.
    const po1 = `po1-${run}`;
    const po2 = `po2-${run}`;
    const person = (name: string) => ({ name, title: '书记' });
    for (const id of [po1, po2]) {
      await post(
        county2,
        '/api/v1/party-orgs',
        { id, unitId: S, kind: 'branch', name: `${id} 党支部`, principal: person('张三'), deputy: person('李四') },
        `${id}-create-${run}`,
      );
      const created = await auditIn(PARTY_ORG_MODEL, id, ['party-org.created', PartyOrgCreatedV1], S, county2, `${id}-create-${run}`);
      expect(created.data.before).toBeNull();
      expect(created.data.after).toMatchObject({ _id: id, unitId: S, supervisorId: K2, principal: { name: '张三' } });
    }
    await call(secretary, 'PATCH', `/api/v1/party-orgs/${po1}`, { principal: person('王五') }, `po-update-${run}`);
    const updated = await auditIn(PARTY_ORG_MODEL, po1, ['party-org.updated', PartyOrgUpdatedV1], S, secretary, `po-update-${run}`);
    expect(updated.data.before?.['principal']).toEqual(person('张三'));
    expect(updated.data.after?.['principal']).toEqual(person('王五'));
    await call(city, 'PUT', `/api/v1/party-orgs/${po1}/affiliation`, { supervisorId: C, routing: 'both-levels' }, `po-affiliation-${run}`);
    const affiliation = await auditIn(
      PARTY_ORG_MODEL,
      po1,
      ['party-org.affiliation-changed', PartyOrgAffiliationChangedV1],
      S,
      city,
      `po-affiliation-${run}`,
    );
    expect(affiliation.data.before).toMatchObject({ supervisorId: K2, routing: 'single', reviewerIds: [K2] });
    expect(affiliation.data.after).toMatchObject({ supervisorId: C, routing: 'both-levels' });

    // A member: registered, a milestone, transferred to the other branch (whose closing follows).
    const memberId = `m1-${run}`;
    await post(
      secretary,
      `/api/v1/party-orgs/${po2}/members`,
      {
        id: memberId,
        person: { name: '赵六', gender: 'female', birthDate: '1990-05-01' },
        milestones: [{ kind: 'application', date: '2024-03-01' }],
      },
      `member-${run}`,
    );
    const registered = await auditIn(MEMBER_MODEL, memberId, ['member.registered', MemberRegisteredV1], S, secretary, `member-${run}`);
    expect(registered.data.before).toBeNull();
    expect(registered.data.after).toMatchObject({ partyOrgId: po2, person: { name: '赵六' }, status: 'applicant' });
    const ms = `milestone-${run}`;
    await post(secretary, `/api/v1/members/${memberId}/milestones`, { kind: 'first-talk', date: '2024-03-20' }, ms);
    const milestone = await auditIn(MEMBER_MODEL, memberId, ['member.milestone-recorded', MemberMilestoneRecordedV1], S, secretary, ms);
    expect(milestone.data.before?.['milestones']).toHaveLength(1);
    expect(milestone.data.after?.['milestones']).toHaveLength(2);
    await post(secretary, `/api/v1/members/${memberId}/transfer`, { toPartyOrgId: po1, date: '2024-04-01' }, `transfer-${run}`);
    const transferred = await auditIn(MEMBER_MODEL, memberId, ['member.transferred', MemberTransferredV1], S, secretary, `transfer-${run}`);
    expect([transferred.data.before?.['partyOrgId'], transferred.data.after?.['partyOrgId']]).toEqual([po2, po1]);
    await post(county2, `/api/v1/party-orgs/${po2}/close`, { closedOn: '2030-02-01' }, `po-close-${run}`);
    const poClosed = await auditIn(PARTY_ORG_MODEL, po2, ['party-org.closed', PartyOrgClosedV1], S, county2, `po-close-${run}`);
    expect([poClosed.data.before?.['status'], poClosed.data.after?.['status']]).toEqual(['open', 'closed']);
    // A transfer to another school: audited for the receiving school and, as transferred-out, for the sending one.
    const S2 = `s2-${run}`;
    const po3 = `po3-${run}`;
    await post(county2, '/api/v1/org-units', { id: S2, code: `S2-${run}`, name: '第二中学', kind: 'school', parentId: K2 }, `s2-${run}`);
    await post(
      county2,
      '/api/v1/party-orgs',
      { id: po3, unitId: S2, kind: 'branch', name: '第二中学党支部', principal: person('陈七'), deputy: person('周八') },
      `po3-${run}`,
    );
    await post(county2, `/api/v1/members/${memberId}/transfer`, { toPartyOrgId: po3, date: '2024-05-01' }, `transfer-out-${run}`);
    const into = await auditIn(MEMBER_MODEL, memberId, ['member.transferred', MemberTransferredV1], S2, county2, `transfer-out-${run}`);
    const out = await auditIn(MEMBER_MODEL, memberId, ['member.transferred-out', MemberTransferredV1], S, county2, `transfer-out-${run}`);
    expect([out.data.before?.['unitId'], out.data.after?.['unitId'], into.data.after?.['unitId']]).toEqual([S, S2, S2]);

    // A contact point of the school: created by the county, a visit by the cadre, ended.
    const cpId = `cp1-${run}`;
    const cadre = as(K2, ['inspector'], `cadre-${run}`);
    await post(
      county2,
      '/api/v1/contact-points',
      { id: cpId, cadreAccountId: cadre.sub, cadreUnitId: K2, schoolId: S, since: '2025-01-01' },
      `cp-${run}`,
    );
    const cpCreated = await auditIn(CONTACT_POINT_MODEL, cpId, ['contact-point.created', ContactPointCreatedV1], S, county2, `cp-${run}`);
    expect(cpCreated.data.before).toBeNull();
    expect(cpCreated.data.after).toMatchObject({ cadreAccountId: cadre.sub, schoolId: S, status: 'active' });
    const vis = `visit-${run}`;
    await post(cadre, `/api/v1/contact-points/${cpId}/visits`, { date: '2025-02-01', purpose: '调研', outcome: '完成' }, vis);
    const visit = await auditIn(CONTACT_POINT_MODEL, cpId, ['contact-point.visit-logged', ContactPointVisitLoggedV1], S, cadre, vis);
    expect(visit.data.before?.['visits']).toEqual([]);
    expect(visit.data.after?.['visits']).toEqual([expect.objectContaining({ purpose: '调研', loggedBy: cadre.sub })]);
    await post(county2, `/api/v1/contact-points/${cpId}/end`, { endedOn: '2025-12-31' }, `cp-end-${run}`);
    const ended = await auditIn(CONTACT_POINT_MODEL, cpId, ['contact-point.ended', ContactPointEndedV1], S, county2, `cp-end-${run}`);
    expect([ended.data.before?.['status'], ended.data.after?.['status']]).toEqual(['active', 'ended']);

    // Milestone rules of the county: the first PUT creates them, the second changes them.
    const rules = (minAgeAtApplication: number) => ({
      order: ['application', 'first-talk', 'activist'],
      intervals: [],
      minAgeAtApplication,
    });
    await call(county2, 'PUT', `/api/v1/org-units/${K2}/milestone-rules`, rules(18), `rules-1-${run}`);
    await call(county2, 'PUT', `/api/v1/org-units/${K2}/milestone-rules`, rules(20), `rules-2-${run}`);
    const ruleAudits = (await outboxOf(RULE_SET_MODEL, K2)).filter((e) => e.type === AUDIT) as Audit[];
    expect(ruleAudits.map((a) => [a.data.action, a.data.correlationId])).toEqual([
      ['milestone-rules.updated', `rules-1-${run}`],
      ['milestone-rules.updated', `rules-2-${run}`],
    ]);
    const [firstRules, secondRules] = ruleAudits;
    expect(firstRules.data.before).toBeNull();
    expect(firstRules.data.after).toMatchObject({ _id: K2, version: 1, rules: rules(18), setBy: county2.sub });
    expect(secondRules.data.before).toMatchObject({ version: 1, rules: { minAgeAtApplication: 18 } });
    expect(secondRules.data.after).toMatchObject({ version: 2, rules: { minAgeAtApplication: 20 } });
    expect(secondRules.data).toMatchObject({ unitId: K2, resourceType: 'milestone-rules', resourceId: K2, actor: { sub: county2.sub } });
    const ruleOutbox = await outboxOf(RULE_SET_MODEL, K2);
    expect(ruleOutbox.map((e) => e.type)).toEqual([MilestoneRulesChangedV1.type, AUDIT, MilestoneRulesChangedV1.type, AUDIT]);
    for (const a of ruleAudits) recorded.set(a.data['auditId'] as string, a);
  }, 120_000);

  it("answers what lies outside the caller's subtree exactly like a missing id, and what the cadre is addressed anywhere", async () => {
    // After the first test: S (with po1, po2, the member's history, cp1) sits under K2; S2 (po3, the member now) too.
    const po1 = `po1-${run}`;
    const po3 = `po3-${run}`;
    const memberId = `m1-${run}`;
    const cpId = `cp1-${run}`;
    const S2 = `s2-${run}`;
    const read = async (who: Identity, url: string) => {
      const { status, body } = await service.call(who, 'GET', url);
      return { status, body: body as Record<string, unknown> };
    };
    const problemOf = ({ status, body }: { status: number; body: Record<string, unknown> }) => ({
      status,
      type: body['type'],
      detail: body['detail'],
    });
    for (const [url, missing] of [
      [`/api/v1/org-units/${S}`, `/api/v1/org-units/none-${run}`],
      [`/api/v1/org-units/${S}/history`, `/api/v1/org-units/none-${run}/history`],
      [`/api/v1/org-units/${S}/children`, `/api/v1/org-units/none-${run}/children`],
      [`/api/v1/org-units/${S}/party-orgs`, `/api/v1/org-units/none-${run}/party-orgs`],
      [`/api/v1/org-units/${S}/contact-points`, `/api/v1/org-units/none-${run}/contact-points`],
      [`/api/v1/party-orgs/${po1}`, `/api/v1/party-orgs/none-${run}`],
      [`/api/v1/party-orgs/${po3}/members`, `/api/v1/party-orgs/none-${run}/members`],
      [`/api/v1/members/${memberId}`, `/api/v1/members/none-${run}`],
      [`/api/v1/contact-points/${cpId}`, `/api/v1/contact-points/none-${run}`],
    ]) {
      const foreign = problemOf(await read(county1, url));
      expect(foreign.status).toBe(404);
      expect(foreign).toEqual(problemOf(await read(county1, missing)));
      expect((await read(county2, url)).status).toBe(200);
    }
    expect((await read(county2, `/api/v1/party-orgs/${po3}/members`)).body['items']).toEqual([expect.objectContaining({ id: memberId })]);
    expect((await read(county2, `/api/v1/org-units/${S}/party-orgs`)).body).toEqual([
      expect.objectContaining({ id: po1 }),
      expect.objectContaining({ id: `po2-${run}` }),
    ]);
    const subtree = (await read(city, `/api/v1/org-units/${K2}/subtree`)).body['items'] as { id: string }[];
    expect(subtree.map((u) => u.id).sort()).toEqual([S, CAMPUS, S2].sort());

    // A cadre whose own unit (K1) is outside the school's subtree reaches its contact point, and logs a visit on it.
    const cadre = as(K1, ['inspector'], `cadre2-${run}`);
    const cp2 = `cp2-${run}`;
    await post(
      city,
      '/api/v1/contact-points',
      { id: cp2, cadreAccountId: cadre.sub, cadreUnitId: C, schoolId: S2, since: '2025-01-01' },
      `cp2-${run}`,
    );
    expect((await read(cadre, `/api/v1/contact-points/${cp2}`)).body).toMatchObject({ id: cp2, schoolId: S2 });
    expect((await read(county1, `/api/v1/contact-points/${cp2}`)).status).toBe(404);
    const visited = (await post(
      cadre,
      `/api/v1/contact-points/${cp2}/visits`,
      { date: '2025-03-01', purpose: '走访', outcome: '完成' },
      `visit2-${run}`,
    )) as {
      visits: unknown[];
      version: number;
    };
    expect([visited.visits.length, visited.version]).toEqual([1, 2]);
  });

  it('publishes those records on audit.writes.v1, keyed by their unit', async () => {
    expect(recorded.size).toBe(20);
    const groupId = `it-org-registry-audit-${run}`;
    const kafka = testKafka(groupId);
    // Start at the end of the topic (it holds other runs' records), then let the relay publish.
    await app.get(KafkaClient).ensureTopics([{ topic: AuditWriteRecordedV1.topic }]);
    await startAtEnd(groupId, [AuditWriteRecordedV1.topic]);
    const seen = new Map<string, { key: string; type: string; data: Record<string, unknown> }>();
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: AuditWriteRecordedV1.topic, fromBeginning: false });
    await consumer.run({
      eachMessage: ({ message }) => {
        const data = JSON.parse(message.value?.toString() ?? '{}') as Record<string, unknown>;
        if (recorded.has(data['auditId'] as string)) {
          seen.set(data['auditId'] as string, {
            key: message.key?.toString() ?? '',
            type: message.headers?.[CE_HEADER.type]?.toString() ?? '',
            data,
          });
        }
        return Promise.resolve();
      },
    });
    try {
      app.get(OutboxRelay).start();
      const deadline = Date.now() + 60_000;
      while (seen.size < recorded.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      expect([...seen.keys()].sort()).toEqual([...recorded.keys()].sort());
      for (const [auditId, record] of seen) {
        const audit = recorded.get(auditId)!;
        expect(record).toEqual({ key: audit.data.unitId, type: AUDIT, data: audit.data });
      }
    } finally {
      await consumer.disconnect();
    }
  }, 120_000);
});

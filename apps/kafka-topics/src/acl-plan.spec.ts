import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import * as contracts from '@pb/contracts';
import { EventContracts, InternalTopics, Topics } from '@pb/contracts';
import {
  aclBindings,
  aclPlan,
  ANALYST,
  applyAclPlan,
  CONSUMES,
  consumedTopics,
  KAFKA_SERVICES,
  producedTopics,
  type AclRule,
} from './acl-plan.js';

const root = process.cwd();

/** Every non-spec TypeScript file under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !/\.(spec|integration-spec|e2e-spec)\.ts$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name));
}

/** The contract names a service's handlers take: `@OnEvent(X`, `@OnEventBatch([X, Y])`, `registerRule(X`, and its read models. */
function handledContracts(service: string): Set<string> {
  const names = new Set<string>();
  for (const file of sources(path.join(root, 'apps', service, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/@OnEvent\(\s*(\w+)/g)) names.add(m[1] ?? '');
    for (const m of text.matchAll(/@OnEventBatch\(\s*\[([^\]]*)\]/g)) for (const n of (m[1] ?? '').split(',')) names.add(n.trim());
    for (const m of text.matchAll(/registerRule\(\s*(\w+)/g)) names.add(m[1] ?? '');
    if (/\bPartyOrgsReadModule\b/.test(text)) names.add('PartyOrgsReadModule');
    if (/\bOrgUnitsReadModule\b/.test(text)) names.add('OrgUnitsReadModule');
  }
  names.delete('');
  return names;
}

/** The topics of the contracts libs/platform's read models consume (read from their consumers). */
function readModelTopics(module: 'org-units' | 'party-orgs'): string[] {
  const dir = path.join(root, 'libs', 'platform', 'src', module);
  const names = new Set<string>();
  for (const file of sources(dir)) for (const m of readFileSync(file, 'utf8').matchAll(/@OnEvent\(\s*(\w+)/g)) names.add(m[1] ?? '');
  return topicsOf(names);
}

/** Topic of each contract by its exported name (`ReportSubmittedV1`). */
const contractsByExport = new Map<string, string>(
  Object.entries(contracts)
    .filter(([, v]) => EventContracts.includes(v as never))
    .map(([k, v]) => [k, (v as { topic: string }).topic]),
);

function topicsOf(names: Iterable<string>): string[] {
  const topics = new Set<string>();
  for (const n of names) {
    const topic = contractsByExport.get(n);
    if (topic) topics.add(topic);
  }
  return [...topics].sort();
}

describe('the ACL plan (docs/adr/0025)', () => {
  const plan = aclPlan();
  const topicRules = (rules: AclRule[], op: string) =>
    rules
      .filter((r) => r.resource.type === 'topic' && r.operations.includes(op as never))
      .map((r) => (r.resource as { name: string }).name);

  it.each([...KAFKA_SERVICES])('lets %s read exactly the topics its handlers, rules and read models consume', (service) => {
    const handled = handledContracts(service);
    const expected = new Set(topicsOf(handled));
    if (handled.has('PartyOrgsReadModule')) for (const t of readModelTopics('party-orgs')) expected.add(t);
    if (handled.has('PartyOrgsReadModule') || handled.has('OrgUnitsReadModule'))
      for (const t of readModelTopics('org-units')) expected.add(t);
    expect(consumedTopics(service)).toEqual([...expected].sort());
    expect(
      topicRules(plan[service], 'Read')
        .filter((t) => !t.includes('.dlq.'))
        .sort(),
    ).toEqual([...expected].sort());
  });

  it('lets each service write only the topics its contracts name it the producer of, and the audit topic', () => {
    for (const service of KAFKA_SERVICES) {
      const writes = topicRules(plan[service], 'Write').filter((t) => !t.includes('.dlq.'));
      expect(writes.sort()).toEqual(producedTopics(service));
      for (const t of writes)
        expect(t === Topics.auditWrites || t.startsWith(`${service === 'org-registry' ? 'orgs' : service}.`)).toBe(true);
    }
    expect(producedTopics('notifications')).toEqual([Topics.auditWrites]);
  });

  it('lets only the gateway read audit.writes.v1; the analyst reads every public topic and nothing internal', () => {
    const readers = Object.entries(plan)
      .filter(([, rules]) => topicRules(rules, 'Read').includes(Topics.auditWrites))
      .map(([name]) => name);
    expect(readers).toEqual(['gateway']);
    const analyst = topicRules(plan[ANALYST], 'Read');
    expect(analyst).toContain(Topics.reportingReports);
    for (const t of InternalTopics) expect(analyst).not.toContain(t);
    expect(analyst.sort()).toEqual(
      Object.values(Topics)
        .filter((t) => !InternalTopics.includes(t))
        .sort(),
    );
    expect(plan[ANALYST].every((r) => r.operations.every((op) => op === 'Read' || op === 'Describe'))).toBe(true);
  });

  it("gives a service its dead-letter topics and consumer groups by name prefix, a run's prefix in front", () => {
    const rules = aclPlan({ groupPrefix: 'e2e1-' }).reporting;
    expect(rules).toContainEqual({
      resource: { type: 'group', name: 'e2e1-reporting', patternType: 'prefix' },
      operations: ['Read', 'Describe'],
    });
    expect(rules).toContainEqual({
      resource: { type: 'topic', name: `${Topics.reportingReports}.dlq.e2e1-reporting`, patternType: 'prefix' },
      operations: ['Write', 'Describe', 'Create'],
    });
    expect(aclPlan()['org-registry'].some((r) => r.resource.type === 'group')).toBe(false);
    expect(CONSUMES['org-registry']).toEqual([]);
  });

  it("turns into kafkajs' ACL bindings, one per operation, for the principal named", async () => {
    const kafkajs = (await import('kafkajs')).default;
    const bindings = aclBindings({ analyst: aclPlan().analyst }, (n) => `User:demo-${n}`);
    expect(bindings).toContainEqual({
      resourceType: kafkajs.AclResourceTypes.TOPIC,
      resourceName: Topics.reportingReports,
      resourcePatternType: kafkajs.ResourcePatternTypes.LITERAL,
      principal: 'User:demo-analyst',
      host: '*',
      operation: kafkajs.AclOperationTypes.READ,
      permissionType: kafkajs.AclPermissionTypes.ALLOW,
    });
    expect(bindings).toContainEqual(
      expect.objectContaining({
        resourceType: kafkajs.AclResourceTypes.GROUP,
        resourcePatternType: kafkajs.ResourcePatternTypes.PREFIXED,
        operation: kafkajs.AclOperationTypes.DESCRIBE,
      }),
    );
    const gateway = aclBindings({ gateway: aclPlan().gateway }, (n) => `User:${n}`);
    expect(gateway).toContainEqual(
      expect.objectContaining({
        resourceType: kafkajs.AclResourceTypes.CLUSTER,
        resourceName: 'kafka-cluster',
        operation: kafkajs.AclOperationTypes.IDEMPOTENT_WRITE,
      }),
    );
  });
});

describe('applying the ACL plan', () => {
  it("adds the plan's bindings and removes its principals' other bindings, never another principal's", async () => {
    const [keep, drop] = aclBindings({ analyst: aclPlan().analyst }, (n) => `User:${n}`);
    const other = { ...drop, principal: 'User:someone-else' };
    const calls: { op: string; arg: unknown }[] = [];
    const stored = [keep, drop, other];
    const admin = {
      createAcls: (arg: unknown) => Promise.resolve(calls.push({ op: 'create', arg })),
      describeAcls: (filter: { principal?: string }) =>
        Promise.resolve({
          resources: stored
            .filter((b) => b.principal === filter.principal)
            .map(({ principal, host, operation, permissionType, ...resource }) => ({
              ...resource,
              acls: [{ principal, host, operation, permissionType }],
            })),
        }),
      deleteAcls: (arg: unknown) => Promise.resolve(calls.push({ op: 'delete', arg })),
    };
    await expect(applyAclPlan(admin, [keep])).resolves.toEqual({ bindings: 1, removed: 1 });
    expect(calls).toEqual([
      { op: 'create', arg: { acl: [keep] } },
      { op: 'delete', arg: { filters: [drop] } },
    ]);
    calls.length = 0;
    stored.splice(1, 1);
    await expect(applyAclPlan(admin, [keep])).resolves.toEqual({ bindings: 1, removed: 0 });
    expect(calls.map((c) => c.op)).toEqual(['create']);
  });
});

// The chart's Strimzi KafkaUsers take their ACLs from files/acls.json: this keeps that file the plan.
describe('deploy/helm/party-building/files/acls.json', () => {
  it('is the ACL plan of the contracts (UPDATE_ACLS_JSON=1 node tools/scripts/jest.mjs unit apps/kafka-topics rewrites it)', () => {
    const file = path.join(root, 'deploy/helm/party-building/files/acls.json');
    const expected = {
      '//': 'Generated from libs/contracts by apps/kafka-topics (aclPlan); apps/kafka-topics/src/acl-plan.spec.ts keeps it current.',
      acls: aclPlan(),
    };
    if (process.env['UPDATE_ACLS_JSON'] === '1') writeFileSync(file, JSON.stringify(expected, null, 2) + '\n');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(expected);
  });
});

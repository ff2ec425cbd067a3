import {
  AssessmentLockedV1,
  AssessmentScoredV1,
  AssignmentEndingSoonV1,
  AuditWriteRecordedV1,
  deadLetterTopic,
  EventContracts,
  InternalTopics,
  MemberMilestoneRecordedV1,
  MemberRegisteredV1,
  MemberTransferredV1,
  NominationNoticeStartedV1,
  NominationObjectionRaisedV1,
  OrgUnitStateV1,
  PartyOrgAffiliationChangedV1,
  PartyOrgClosedV1,
  PartyOrgCreatedV1,
  PartyOrgUpdatedV1,
  RectificationOpenedV1,
  RectificationOverdueV1,
  RectificationSubmittedV1,
  SchemeChangedV1,
  ReportAcceptedV1,
  ReportExpectedV1,
  ReportOverdueV1,
  ReportReturnedV1,
  ReportRevisedV1,
  ReportSubmittedV1,
  Topics,
  TrainingAssessedV1,
  TrainingCertifiedV1,
  TrainingEnrolledV1,
  TrainingSessionAttendedV1,
  type EventContract,
} from '@pb/contracts';

/** The services with a Kafka principal of their own (the chart's `<city>-<service>`, locally the name). */
export const KAFKA_SERVICES = ['gateway', 'org-registry', 'reporting', 'evaluation', 'training', 'notifications'] as const;
export type KafkaService = (typeof KAFKA_SERVICES)[number];
/** The analysts' principal: reads the public topics, nothing else. */
export const ANALYST = 'analyst';
export type KafkaPrincipal = KafkaService | typeof ANALYST;

/** The read models of libs/platform a service imports consume these (OrgUnitsReadModule, PartyOrgsReadModule). */
const ORG_UNITS_READ = [OrgUnitStateV1];
const PARTY_ORGS_READ = [...ORG_UNITS_READ, PartyOrgCreatedV1, PartyOrgUpdatedV1, PartyOrgAffiliationChangedV1, PartyOrgClosedV1];

/**
 * What each service consumes: the contracts of its `@OnEvent` / `@OnEventBatch` handlers, its
 * notification rules and the read models it imports. acl-plan.spec.ts reads the apps' sources and
 * fails when this and the handlers differ, so a service reads exactly what it consumes.
 */
export const CONSUMES: Readonly<Record<KafkaService, readonly EventContract[]>> = {
  gateway: [AuditWriteRecordedV1, ...ORG_UNITS_READ],
  'org-registry': [],
  reporting: [ReportExpectedV1, ReportSubmittedV1, ...PARTY_ORGS_READ],
  evaluation: [
    ReportExpectedV1,
    ReportSubmittedV1,
    ReportOverdueV1,
    MemberRegisteredV1,
    MemberMilestoneRecordedV1,
    MemberTransferredV1,
    TrainingEnrolledV1,
    TrainingSessionAttendedV1,
    TrainingAssessedV1,
    TrainingCertifiedV1,
    AssessmentScoredV1,
    AssessmentLockedV1,
    SchemeChangedV1,
    ...PARTY_ORGS_READ,
  ],
  training: [TrainingEnrolledV1, TrainingSessionAttendedV1, TrainingCertifiedV1, ...ORG_UNITS_READ],
  notifications: [
    ReportExpectedV1,
    ReportSubmittedV1,
    ReportRevisedV1,
    ReportReturnedV1,
    ReportAcceptedV1,
    ReportOverdueV1,
    AssessmentLockedV1,
    RectificationOpenedV1,
    RectificationSubmittedV1,
    RectificationOverdueV1,
    NominationNoticeStartedV1,
    NominationObjectionRaisedV1,
    AssignmentEndingSoonV1,
    ...ORG_UNITS_READ,
  ],
};

/** Kafka operations the plan grants (Strimzi's spelling). */
export type AclOperation = 'Read' | 'Write' | 'Create' | 'Describe' | 'IdempotentWrite';

/** One grant, in the shape of a Strimzi KafkaUser's `spec.authorization.acls` entry. */
export interface AclRule {
  resource: { type: 'topic' | 'group'; name: string; patternType: 'literal' | 'prefix' } | { type: 'cluster' };
  operations: AclOperation[];
}

const uniqueSorted = (values: Iterable<string>) => [...new Set(values)].sort();

/** The topics `service` writes: those whose contracts name it the producer, and the audit topic every service writes. */
export function producedTopics(service: KafkaService): string[] {
  return uniqueSorted(EventContracts.filter((c) => c.producer === service || c.producer === 'any service').map((c) => c.topic));
}

/** The topics `service` reads. */
export function consumedTopics(service: KafkaService): string[] {
  return uniqueSorted(CONSUMES[service].map((c) => c.topic));
}

/** The topics analysts read: every topic but the internal ones (the audit of writes). */
export function publicTopics(): string[] {
  return uniqueSorted(Object.values(Topics).filter((t) => !InternalTopics.includes(t)));
}

/**
 * The ACLs as code (docs/adr/0025), from the contracts: each service writes (and may create) the
 * topics it produces, reads the topics it consumes, writes its own dead-letter topics
 * (`<topic>.dlq.<group>`) and uses its own consumer groups (the prefix `<groupPrefix><service>`:
 * a test run's groups carry the run's prefix); the analyst reads the public topics with groups
 * named `analyst-…`. `audit.writes.v1` is read by the gateway alone. Anything not granted is refused
 * (the super user of the topics job aside).
 */
export function aclPlan({ groupPrefix = '' }: { groupPrefix?: string } = {}): Record<KafkaPrincipal, AclRule[]> {
  const topic = (name: string, operations: AclOperation[], patternType: 'literal' | 'prefix' = 'literal'): AclRule => ({
    resource: { type: 'topic', name, patternType },
    operations,
  });
  const plan = {} as Record<KafkaPrincipal, AclRule[]>;
  for (const service of KAFKA_SERVICES) {
    const group = `${groupPrefix}${service}`;
    plan[service] = [
      ...producedTopics(service).map((t) => topic(t, ['Write', 'Describe', 'Create'])),
      ...consumedTopics(service).map((t) => topic(t, ['Read', 'Describe'])),
      ...consumedTopics(service).map((t) => topic(deadLetterTopic(t, group), ['Write', 'Describe', 'Create'], 'prefix')),
      ...(consumedTopics(service).length > 0
        ? [{ resource: { type: 'group', name: group, patternType: 'prefix' }, operations: ['Read', 'Describe'] } satisfies AclRule]
        : []),
      { resource: { type: 'cluster' }, operations: ['IdempotentWrite'] },
    ];
  }
  plan[ANALYST] = [
    ...publicTopics().map((t) => topic(t, ['Read', 'Describe'])),
    { resource: { type: 'group', name: `${ANALYST}-`, patternType: 'prefix' }, operations: ['Read', 'Describe'] },
  ];
  return plan;
}

/** kafkajs' numeric codes (AclResourceTypes, ResourcePatternTypes, AclOperationTypes, AclPermissionTypes). */
const RESOURCE = { topic: 2, group: 3, cluster: 4 } as const;
const PATTERN = { literal: 3, prefix: 4 } as const;
const OPERATION: Record<AclOperation, number> = { Read: 3, Write: 4, Create: 5, Describe: 8, IdempotentWrite: 12 };
const ALLOW = 3;

/** One binding as kafkajs' `admin.createAcls` takes it. */
export interface AclBinding {
  resourceType: number;
  resourceName: string;
  resourcePatternType: number;
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
}

/** The plan as bindings for `principal(name)` (locally `User:<name>`). */
export function aclBindings(plan: Record<string, AclRule[]>, principal: (name: string) => string): AclBinding[] {
  return Object.entries(plan).flatMap(([name, rules]) =>
    rules.flatMap((rule) =>
      rule.operations.map((op) => ({
        resourceType: RESOURCE[rule.resource.type],
        resourceName: rule.resource.type === 'cluster' ? 'kafka-cluster' : rule.resource.name,
        resourcePatternType: rule.resource.type === 'cluster' ? PATTERN.literal : PATTERN[rule.resource.patternType],
        principal: principal(name),
        host: '*',
        operation: OPERATION[op],
        permissionType: ALLOW,
      })),
    ),
  );
}

/** What `applyAclPlan` asks of kafkajs' admin client. */
export interface AclAdmin {
  createAcls(request: { acl: AclBinding[] }): Promise<unknown>;
  describeAcls(filter: AclFilter): Promise<{
    resources: {
      resourceType: number;
      resourceName: string;
      resourcePatternType: number;
      acls: { principal: string; host: string; operation: number; permissionType: number }[];
    }[];
  }>;
  deleteAcls(request: { filters: AclBinding[] }): Promise<unknown>;
}
type AclFilter = Omit<AclBinding, 'resourceName' | 'host'> & { resourceName?: string; host?: string };

/** kafkajs' "any" of each field of a filter (AclResourceTypes.ANY, ResourcePatternTypes.ANY, ...). */
const ANY = 1;
const keyOf = (b: AclBinding) =>
  [b.principal, b.resourceType, b.resourceName, b.resourcePatternType, b.host, b.operation, b.permissionType].join('\u0000');

/**
 * Converges the principals the bindings name on them: adds the bindings (Kafka keeps one copy of a
 * binding, so a second run adds nothing), then removes every other binding of those principals, so a
 * permission the plan dropped (a topic a service no longer consumes) is revoked on the next run.
 * Principals the plan does not name are left alone.
 */
export async function applyAclPlan(admin: AclAdmin, bindings: AclBinding[]) {
  await admin.createAcls({ acl: bindings });
  const wanted = new Set(bindings.map(keyOf));
  const stale: AclBinding[] = [];
  for (const principal of new Set(bindings.map((b) => b.principal))) {
    const { resources } = await admin.describeAcls({
      resourceType: ANY,
      resourcePatternType: ANY,
      principal,
      operation: ANY,
      permissionType: ANY,
    });
    for (const r of resources)
      for (const acl of r.acls) {
        const binding: AclBinding = {
          resourceType: r.resourceType,
          resourceName: r.resourceName,
          resourcePatternType: r.resourcePatternType,
          principal: acl.principal,
          host: acl.host,
          operation: acl.operation,
          permissionType: acl.permissionType,
        };
        if (!wanted.has(keyOf(binding))) stale.push(binding);
      }
  }
  if (stale.length > 0) await admin.deleteAcls({ filters: stale });
  return { bindings: bindings.length, removed: stale.length };
}

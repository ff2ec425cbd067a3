import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from '@jest/globals';
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes, type Consumer, type Kafka } from 'kafkajs';
import { eventHeaders, eventSource, Topics } from '@pb/contracts';
import { localKafkaAuthEnv } from '@pb/infra';
import { e2e, kafka, uniqueId } from './support/env.js';

// Kafka authentication and the ACLs as code (docs/adr/0025) on the e2e tier's broker, which runs
// SASL/SCRAM-SHA-512 with the plan of apps/kafka-topics applied: the services of this run connect
// with their own principals (e2e.serviceEnvs), the analyst with theirs from the broker's users file.

/** A record no service handles (its type has no contract): consumers skip it, so it disturbs nothing. */
const PROBE = { type: 'cn.edu.partybuilding.e2e.acl-probe.v1' };

const analystAuth = localKafkaAuthEnv('analyst');
const as = (auth: Record<string, string | undefined>): Kafka => kafka(auth);
const serviceAuth = (service: string) => e2e.serviceEnvs[service] ?? {};
const probe = (key: string) => ({ key, value: '{}', headers: eventHeaders(PROBE, { source: eventSource('e2e') }) });

// A broker given from outside (Docker, an operator's) brings its own credentials: nothing to prove here.
const withLocalBroker = analystAuth['KAFKA_SASL_USERNAME'] ? describe : describe.skip;

withLocalBroker('Kafka authentication and ACLs', () => {
  const open: { disconnect(): Promise<void> }[] = [];
  afterAll(async () => {
    await Promise.all(open.map((c) => c.disconnect().catch(() => undefined)));
  });

  it('refuses a client without credentials, and one with a wrong password', async () => {
    const anonymous = as({}).admin();
    open.push(anonymous);
    await expect(anonymous.connect().then(() => anonymous.listTopics())).rejects.toThrow();
    const wrong = as({ ...analystAuth, KAFKA_SASL_PASSWORD: 'not-the-password' }).admin();
    open.push(wrong);
    await expect(wrong.connect()).rejects.toThrow(/SASL SCRAM SHA512 authentication failed|Authentication failed/i);
  });

  it('every service of the run connects as its own principal, never as the super user', () => {
    const services = Object.keys(e2e.serviceEnvs);
    expect(services).toHaveLength(6);
    for (const service of services) {
      expect(serviceAuth(service)['KAFKA_SASL_MECHANISM']).toBe('SCRAM-SHA-512');
      expect(serviceAuth(service)['KAFKA_SASL_USERNAME']).toBe(service);
    }
  });

  it('refuses the analyst audit.writes.v1 (topic authorization failed)', async () => {
    const consumer: Consumer = as(analystAuth).consumer({ groupId: uniqueId('analyst-e2e') });
    open.push(consumer);
    await consumer.connect();
    await expect(consumer.subscribe({ topics: [Topics.auditWrites], fromBeginning: true })).rejects.toThrow(/Topic authorization failed/);
    const admin = as(analystAuth).admin();
    open.push(admin);
    await admin.connect();
    await expect(admin.fetchTopicOffsets(Topics.auditWrites)).rejects.toThrow(/authoriz/i);
  });

  it('lets the analyst read reporting.reports.v1: a record reporting wrote there arrives', async () => {
    const key = uniqueId('acl-probe');
    const producer = as(serviceAuth('reporting')).producer();
    open.push(producer);
    await producer.connect();
    const [sent] = await producer.send({ topic: Topics.reportingReports, acks: -1, messages: [probe(key)] });
    expect(sent?.errorCode).toBe(0);

    const consumer = as(analystAuth).consumer({ groupId: uniqueId('analyst-e2e'), maxWaitTimeInMs: 100 });
    open.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [Topics.reportingReports], fromBeginning: true });
    const seen = new Promise<string>((resolve, reject) => {
      consumer.on(consumer.events.CRASH, ({ payload }) => reject(payload.error));
      void consumer.run({
        eachMessage: ({ message, partition }) => {
          if (message.key?.toString() === key) resolve(`${partition}:${message.offset}`);
          return Promise.resolve();
        },
      });
    });
    expect(await seen).toBe(`${sent?.partition}:${sent?.baseOffset}`);
  });

  it("refuses a service writing another service's topic: training cannot write reporting.reports.v1, yet writes its own", async () => {
    const producer = as(serviceAuth('training')).producer();
    open.push(producer);
    await producer.connect();
    await expect(producer.send({ topic: Topics.reportingReports, acks: -1, messages: [probe(uniqueId('acl-probe'))] })).rejects.toThrow(
      /Topic authorization failed/,
    );
    const [own] = await producer.send({ topic: Topics.trainingRecords, acks: -1, messages: [probe(uniqueId('acl-probe'))] });
    expect(own?.errorCode).toBe(0);
  });

  it('refuses a service reading a topic it does not consume: training writes audit.writes.v1 but cannot read it', async () => {
    const consumer = as(serviceAuth('training')).consumer({
      groupId: uniqueId(`training-${e2e.run}-acl`),
      maxWaitTimeInMs: 100,
      retry: { retries: 0, restartOnFailure: () => Promise.resolve(false) },
    });
    open.push(consumer);
    await consumer.connect();
    // Subscribing needs Describe, which a producer of the topic has; fetching its records needs Read.
    await consumer.subscribe({ topics: [Topics.auditWrites], fromBeginning: true });
    const crashed = new Promise<Error>((resolve) => consumer.on(consumer.events.CRASH, ({ payload }) => resolve(payload.error)));
    await consumer.run({ eachMessage: () => Promise.resolve() }); // returns once the group is joined; fetching goes on behind it
    expect(String(await crashed)).toMatch(/authoriz/i);
  });

  it("converges the plan's principals: the topics job removes a binding the plan does not hold", async () => {
    // A principal of its own (`<prefix>analyst`), so the tier's principals stay as they are.
    const prefix = `${uniqueId('acl-prune')}-`;
    const principal = `User:${prefix}analyst`;
    const admin = kafka().admin();
    open.push(admin);
    await admin.connect();
    const any = {
      resourceType: AclResourceTypes.ANY,
      resourcePatternType: ResourcePatternTypes.ANY,
      principal,
      operation: AclOperationTypes.ANY,
      permissionType: AclPermissionTypes.ANY,
    };
    try {
      // A permission the plan never gives the analyst, left behind by an older plan.
      await admin.createAcls({
        acl: [
          {
            resourceType: AclResourceTypes.TOPIC,
            resourceName: Topics.auditWrites,
            resourcePatternType: ResourcePatternTypes.LITERAL,
            principal,
            host: '*',
            operation: AclOperationTypes.READ,
            permissionType: AclPermissionTypes.ALLOW,
          },
        ],
      });
      const job = spawnSync(process.execPath, ['apps/kafka-topics/dist/main.js'], {
        env: { ...process.env, KAFKA_APPLY_ACLS: 'true', KAFKA_ACL_PRINCIPAL_PREFIX: prefix, LOG_LEVEL: 'warn' },
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect(job.status).toBe(0);
      expect(job.stdout).toMatch(/"msg":"ACLs match the plan".*"removed":1/);
      const { resources } = await admin.describeAcls(any);
      const topics = resources.filter((r) => r.resourceType === AclResourceTypes.TOPIC).map((r) => r.resourceName);
      expect(topics).toContain(Topics.reportingReports);
      expect(topics).not.toContain(Topics.auditWrites);
    } finally {
      await admin.deleteAcls({ filters: [any] });
    }
  });
});

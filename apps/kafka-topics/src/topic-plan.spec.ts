import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { InternalTopics, Topics } from '@pb/contracts';
import { applyTopicPlan, RETENTION_MS, topicPlan, type TopicAdmin } from './topic-plan.js';

/** A broker in memory: topics with partition counts and configs, as the admin calls see them. */
function fakeBroker(initial: Record<string, { partitions: number; config: Record<string, string> }> = {}) {
  const topics = new Map(Object.entries(initial));
  const calls: string[] = [];
  const admin: TopicAdmin = {
    listTopics: () => Promise.resolve([...topics.keys()]),
    createTopics: ({ topics: list }) => {
      calls.push('createTopics');
      for (const t of list)
        topics.set(t.topic, { partitions: t.numPartitions, config: Object.fromEntries(t.configEntries.map((e) => [e.name, e.value])) });
      return Promise.resolve(true);
    },
    fetchTopicMetadata: ({ topics: names }) =>
      Promise.resolve({
        topics: names.map((name) => ({ name, partitions: new Array<unknown>(topics.get(name)?.partitions ?? 0).fill({}) })),
      }),
    createPartitions: ({ topicPartitions }) => {
      calls.push('createPartitions');
      for (const p of topicPartitions) topics.get(p.topic)!.partitions = p.count;
      return Promise.resolve(true);
    },
    describeConfigs: ({ resources }) =>
      Promise.resolve({
        resources: resources.map((r) => ({
          resourceName: r.name,
          configEntries: Object.entries(topics.get(r.name)?.config ?? {}).map(([configName, configValue]) => ({ configName, configValue })),
        })),
      }),
    alterConfigs: ({ resources }) => {
      calls.push('alterConfigs');
      for (const r of resources) topics.get(r.name)!.config = Object.fromEntries(r.configEntries.map((e) => [e.name, e.value]));
      return Promise.resolve(true);
    },
  };
  return { admin, topics, calls };
}

describe('topic plan from the contracts', () => {
  const plan = topicPlan({ partitions: 6, replicationFactor: 3 });
  const byName = new Map(plan.map((t) => [t.topic, t]));

  it('has every topic of the contracts, with the partitions and replication asked for', () => {
    expect([...byName.keys()].sort()).toEqual(Object.values(Topics).sort());
    expect(plan.every((t) => t.partitions === 6 && t.replicationFactor === 3 && t.config['min.insync.replicas'] === '2')).toBe(true);
  });

  it('compacts the state topics, keeps history, and keeps the internal audit topic 7 days only', () => {
    expect(byName.get(Topics.orgUnitsState)?.config).toMatchObject({ 'cleanup.policy': 'compact' });
    expect(byName.get(Topics.orgUnitsState)?.config['retention.ms']).toBeUndefined();
    expect(byName.get(Topics.reportingReports)?.config).toMatchObject({ 'cleanup.policy': 'delete', 'retention.ms': '-1' });
    expect(byName.get(Topics.auditWrites)?.config['retention.ms']).toBe(String(RETENTION_MS.internal));
  });

  it('asks one in-sync replica of a single-broker cluster, not two', () => {
    expect(topicPlan({ partitions: 3, replicationFactor: 1 })[0]?.config['min.insync.replicas']).toBe('1');
  });
});

describe('applying the plan', () => {
  const plan = topicPlan({ partitions: 3, replicationFactor: 1 });

  it('creates every topic on an empty broker, and a second run changes nothing', async () => {
    const broker = fakeBroker();
    const first = await applyTopicPlan(broker.admin, plan);
    expect(first.created.sort()).toEqual(Object.values(Topics).sort());
    expect(broker.topics.get(Topics.partyOrgsState)?.config['cleanup.policy']).toBe('compact');
    broker.calls.length = 0;
    const second = await applyTopicPlan(broker.admin, plan);
    expect(second).toEqual({ created: [], partitionsAdded: [], reconfigured: [], unchanged: plan.map((t) => t.topic) });
    expect(broker.calls).toEqual([]);
  });

  it('converges a topic a service created earlier: more partitions, and the configs the plan owns', async () => {
    const broker = fakeBroker({ [Topics.reportingReports]: { partitions: 1, config: { 'cleanup.policy': 'delete' } } });
    const outcome = await applyTopicPlan(broker.admin, plan);
    expect(outcome.partitionsAdded).toEqual([Topics.reportingReports]);
    expect(outcome.reconfigured).toEqual([Topics.reportingReports]);
    expect(broker.topics.get(Topics.reportingReports)).toEqual({
      partitions: 3,
      config: { 'cleanup.policy': 'delete', 'retention.ms': '-1', 'min.insync.replicas': '1' },
    });
  });

  it('never removes partitions from a topic that has more', async () => {
    const broker = fakeBroker({ [Topics.members]: { partitions: 12, config: {} } });
    await applyTopicPlan(broker.admin, plan);
    expect(broker.topics.get(Topics.members)?.partitions).toBe(12);
  });
});

// The chart cannot run TypeScript: it reads the plan from files/topics.json. This keeps that file the
// plan of the contracts; `UPDATE_TOPICS_JSON=1` writes it (after adding a topic to libs/contracts).
describe('deploy/helm/party-building/files/topics.json', () => {
  it('is the topic plan of the contracts (UPDATE_TOPICS_JSON=1 node tools/scripts/jest.mjs unit apps/kafka-topics rewrites it)', () => {
    const file = path.join(process.cwd(), 'deploy/helm/party-building/files/topics.json');
    const current = JSON.parse(readFileSync(file, 'utf8')) as { '//': string };
    const expected = {
      '//': current['//'],
      topics: topicPlan({ partitions: 1, replicationFactor: 1 }).map((t) => ({
        topic: t.topic,
        internal: InternalTopics.includes(t.topic),
        // min.insync.replicas follows the release's replication factor: the chart sets it from values.
        config: Object.fromEntries(Object.entries(t.config).filter(([key]) => key !== 'min.insync.replicas')),
      })),
    };
    if (process.env['UPDATE_TOPICS_JSON'] === '1') writeFileSync(file, JSON.stringify(expected, null, 2) + '\n');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(expected);
  });
});

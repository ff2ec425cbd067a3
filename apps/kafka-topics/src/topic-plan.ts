import { InternalTopics, TopicInfo, Topics, type TopicKey } from '@pb/contracts';

/** One topic as the platform wants it on the broker. */
export interface TopicSpec {
  topic: string;
  partitions: number;
  replicationFactor: number;
  /** Topic-level configs this job owns (others are left to the broker's defaults). */
  config: Record<string, string>;
}

const DAY_MS = 86_400_000;

/**
 * Retention as code (docs/adr/0023-kubernetes.md):
 * - event history topics are the analysts' public interface and the replay source of a new
 *   consumer group: kept (`retention.ms=-1`); they carry ids, statuses and counts only;
 * - compacted state topics keep the latest record per key for ever (`cleanup.policy=compact`);
 * - internal topics (the audit of writes, which may carry personal data) are transport to the
 *   gateway's audit log only: 7 days, long enough to ride out a gateway outage.
 */
export const RETENTION_MS = { history: -1, internal: 7 * DAY_MS } as const;

/** The platform's topics from the contracts: partitions, compaction and retention. */
export function topicPlan({ partitions, replicationFactor }: { partitions: number; replicationFactor: number }): TopicSpec[] {
  return (Object.keys(Topics) as TopicKey[]).map((key) => {
    const topic: string = Topics[key];
    const config: Record<string, string> = {
      // A write acknowledged by all in-sync replicas survives one broker loss on a 3-replica cluster.
      'min.insync.replicas': String(Math.min(2, replicationFactor)),
    };
    if (TopicInfo[key].compacted) config['cleanup.policy'] = 'compact';
    else {
      config['cleanup.policy'] = 'delete';
      config['retention.ms'] = String(InternalTopics.includes(topic) ? RETENTION_MS.internal : RETENTION_MS.history);
    }
    return { topic, partitions, replicationFactor, config };
  });
}

/** The admin calls the job makes (kafkajs' Admin has them; a fake in the unit tests). */
export interface TopicAdmin {
  listTopics(): Promise<string[]>;
  createTopics(request: {
    waitForLeaders?: boolean;
    topics: { topic: string; numPartitions: number; replicationFactor: number; configEntries: { name: string; value: string }[] }[];
  }): Promise<boolean>;
  fetchTopicMetadata(request: { topics: string[] }): Promise<{ topics: { name: string; partitions: unknown[] }[] }>;
  createPartitions(request: { topicPartitions: { topic: string; count: number }[] }): Promise<boolean>;
  describeConfigs(request: {
    includeSynonyms: boolean;
    resources: { type: number; name: string; configNames?: string[] }[];
  }): Promise<{ resources: { resourceName: string; configEntries: { configName: string; configValue: string }[] }[] }>;
  alterConfigs(request: {
    validateOnly: boolean;
    resources: { type: number; name: string; configEntries: { name: string; value: string }[] }[];
  }): Promise<unknown>;
}

/** Kafka's ConfigResource type of a topic (kafkajs ConfigResourceTypes.TOPIC). */
const TOPIC_RESOURCE = 2;

export interface PlanOutcome {
  created: string[];
  partitionsAdded: string[];
  reconfigured: string[];
  unchanged: string[];
}

/**
 * Brings the broker to the plan, idempotently: creates missing topics with their configs, adds
 * partitions where there are fewer (never removes any: keys would move), and sets the configs the
 * plan owns where they differ. A second run changes nothing.
 */
export async function applyTopicPlan(admin: TopicAdmin, plan: TopicSpec[]): Promise<PlanOutcome> {
  const outcome: PlanOutcome = { created: [], partitionsAdded: [], reconfigured: [], unchanged: [] };
  const existing = new Set(await admin.listTopics());
  const missing = plan.filter((t) => !existing.has(t.topic));
  if (missing.length > 0) {
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((t) => ({
          topic: t.topic,
          numPartitions: t.partitions,
          replicationFactor: t.replicationFactor,
          configEntries: Object.entries(t.config).map(([name, value]) => ({ name, value })),
        })),
      });
    } catch (err) {
      // A service created one of them at the same moment: it is converged below like any other.
      if ((err as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS') throw err;
    }
    outcome.created.push(...missing.map((t) => t.topic));
  }
  const present = plan.filter((t) => existing.has(t.topic));
  if (present.length === 0) return outcome;

  const { topics: meta } = await admin.fetchTopicMetadata({ topics: present.map((t) => t.topic) });
  const partitionsOf = new Map(meta.map((m) => [m.name, m.partitions.length]));
  const grow = present.filter((t) => (partitionsOf.get(t.topic) ?? t.partitions) < t.partitions);
  if (grow.length > 0) {
    await admin.createPartitions({ topicPartitions: grow.map((t) => ({ topic: t.topic, count: t.partitions })) });
    outcome.partitionsAdded.push(...grow.map((t) => t.topic));
  }

  const { resources } = await admin.describeConfigs({
    includeSynonyms: false,
    resources: present.map((t) => ({ type: TOPIC_RESOURCE, name: t.topic, configNames: Object.keys(t.config) })),
  });
  const current = new Map(resources.map((r) => [r.resourceName, new Map(r.configEntries.map((e) => [e.configName, e.configValue]))]));
  const differ = present.filter((t) => Object.entries(t.config).some(([name, value]) => current.get(t.topic)?.get(name) !== value));
  if (differ.length > 0) {
    await admin.alterConfigs({
      validateOnly: false,
      resources: differ.map((t) => ({
        type: TOPIC_RESOURCE,
        name: t.topic,
        configEntries: Object.entries(t.config).map(([name, value]) => ({ name, value })),
      })),
    });
    outcome.reconfigured.push(...differ.map((t) => t.topic));
  }
  const changed = new Set([...outcome.partitionsAdded, ...outcome.reconfigured]);
  outcome.unchanged.push(...present.filter((t) => !changed.has(t.topic)).map((t) => t.topic));
  return outcome;
}

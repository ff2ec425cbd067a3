import 'reflect-metadata';
import { num } from 'envalid';
import { KafkaClient, whileTransient } from '@pb/messaging';
import { bootOrExit, brokerList, loadConfig } from '@pb/platform';
import { applyTopicPlan, topicPlan } from './topic-plan.js';

/** The topic job's variables (the chart's topics Job sets them; the same names as the services'). */
export const topicsEnv = {
  KAFKA_BROKERS: brokerList({ desc: 'Kafka bootstrap brokers, host:port[,host:port]' }),
  KAFKA_TOPIC_PARTITIONS: num({ default: 3, desc: 'Partitions of each platform topic (only ever raised)' }),
  KAFKA_TOPIC_REPLICATION: num({ default: 1, desc: 'Replication factor of new topics (3 in production)' }),
  TOPICS_TIMEOUT_MS: num({ default: 120_000, desc: 'How long the job retries while the broker is unreachable' }),
};

/**
 * The platform's topics from libs/contracts, created or converged once and exit: the Helm chart's
 * topics Job (`SERVICE=kafka-topics` in the one image). Exit 0 when the broker matches the plan.
 */
bootOrExit('kafka-topics', async () => {
  const env = loadConfig(topicsEnv);
  const plan = topicPlan({ partitions: env.KAFKA_TOPIC_PARTITIONS, replicationFactor: env.KAFKA_TOPIC_REPLICATION });
  const client = new KafkaClient({ service: 'kafka-topics', brokers: env.KAFKA_BROKERS });
  try {
    const outcome = await whileTransient(async () => applyTopicPlan(await client.getAdmin(), plan), env.TOPICS_TIMEOUT_MS);
    process.stdout.write(`${JSON.stringify({ msg: 'topics match the contracts', ...outcome })}\n`);
  } finally {
    await client.onApplicationShutdown();
  }
});

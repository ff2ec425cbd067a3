import 'reflect-metadata';
import { bool, num, str } from 'envalid';
import { KafkaClient, whileTransient } from '@pb/messaging';
import { bootOrExit, brokerAuthOf, brokerList, kafkaAuthEnv, loadConfig } from '@pb/platform';
import { aclBindings, aclPlan, applyAclPlan } from './acl-plan.js';
import { applyTopicPlan, topicPlan } from './topic-plan.js';

/** The topic job's variables (the chart's topics Job sets them; the same names as the services'). */
export const topicsEnv = {
  KAFKA_BROKERS: brokerList({ desc: 'Kafka bootstrap brokers, host:port[,host:port]' }),
  ...kafkaAuthEnv,
  KAFKA_TOPIC_PARTITIONS: num({ default: 3, desc: 'Partitions of each platform topic (only ever raised)' }),
  KAFKA_TOPIC_REPLICATION: num({ default: 1, desc: 'Replication factor of new topics (3 in production)' }),
  TOPICS_TIMEOUT_MS: num({ default: 120_000, desc: 'How long the job retries while the broker is unreachable' }),
  KAFKA_APPLY_ACLS: bool({
    default: false,
    desc: 'Also apply the ACL plan (acl-plan.ts) as User:<prefix><name>: the local broker and compose; on Kubernetes the Strimzi KafkaUsers carry it',
  }),
  KAFKA_ACL_PRINCIPAL_PREFIX: str({ default: '', desc: 'Prefix of the principals the ACLs name (the chart names them <city>-<service>)' }),
  KAFKA_ACL_GROUP_PREFIX: str({ default: '', desc: "Prefix of the services' consumer groups (a test run's or a benchmark's)" }),
};

/**
 * The platform's topics from libs/contracts, created or converged once and exit: the Helm chart's
 * topics Job (`SERVICE=kafka-topics` in the one image). Exit 0 when the broker matches the plan.
 */
bootOrExit('kafka-topics', async () => {
  const env = loadConfig(topicsEnv);
  const plan = topicPlan({ partitions: env.KAFKA_TOPIC_PARTITIONS, replicationFactor: env.KAFKA_TOPIC_REPLICATION });
  const client = new KafkaClient({ service: 'kafka-topics', brokers: env.KAFKA_BROKERS, auth: brokerAuthOf(env) });
  try {
    const outcome = await whileTransient(async () => applyTopicPlan(await client.getAdmin(), plan), env.TOPICS_TIMEOUT_MS);
    process.stdout.write(`${JSON.stringify({ msg: 'topics match the contracts', ...outcome })}\n`);
    if (env.KAFKA_APPLY_ACLS) {
      const bindings = aclBindings(
        aclPlan({ groupPrefix: env.KAFKA_ACL_GROUP_PREFIX }),
        (name) => `User:${env.KAFKA_ACL_PRINCIPAL_PREFIX}${name}`,
      );
      const applied = await whileTransient(async () => applyAclPlan(await client.getAdmin(), bindings), env.TOPICS_TIMEOUT_MS);
      process.stdout.write(`${JSON.stringify({ msg: 'ACLs match the plan', ...applied })}\n`);
    }
  } finally {
    await client.onApplicationShutdown();
  }
});

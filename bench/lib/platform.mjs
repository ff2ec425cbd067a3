// The platform as the benchmarks run it: the six services on ports from BENCH_PORT_BASE, fresh
// secrets, a database and consumer-group suffix of their own per run, and the gateway's limiter
// still counting every request but with its limit set above what any load reaches.
import { randomBytes } from 'node:crypto';
import { localKafkaAuthEnv } from '../../deploy/local/infra.mjs';
import { kafkaAuthOf } from '../../libs/messaging/src/kafka-auth.ts';
import { platformPorts, serviceEnvironments } from '../../tools/scripts/services.mjs';

/** The KAFKA_SASL_* variables of the benchmark's own probes: the local broker's super user (docs/adr/0025). */
export const benchKafkaAuthEnv = () => localKafkaAuthEnv('admin');

/** A kafkajs config for a benchmark's probes and baselines on `infra`'s broker, as the super user. */
export function benchKafkaConfig(infra, clientId, extra = {}) {
  return { clientId, brokers: infra.kafkaBrokers.split(','), ...kafkaAuthOf(benchKafkaAuthEnv()), ...extra };
}

export function benchPlatform(infra, runId, defaultPortBase) {
  const ports = platformPorts(Number(process.env.BENCH_PORT_BASE ?? defaultPortBase));
  const secrets = { AUTH_JWT_SECRET: randomBytes(32).toString('base64url'), INTERNAL_AUTH_SECRET: randomBytes(32).toString('base64url') };
  const envs = serviceEnvironments({
    kafkaBrokers: infra.kafkaBrokers,
    mongodbUri: infra.mongodbUri,
    secrets,
    ports,
    dbPrefix: `${runId}_`,
    groupSuffix: `-${runId}`,
    logLevel: 'warn',
    gateway: { RATE_LIMIT_PER_MINUTE: '100000000' },
  });
  return { ports, secrets, envs };
}

/**
 * Waits until every consumer group of this run (`*-<runId>`) that reads `topics` has committed the
 * end of every partition: the platform has digested what came before (a period's opening) and a
 * measurement that follows does not share the machine with it.
 */
export async function waitConsumersIdle(infra, runId, topics, { timeoutMs = 600_000 } = {}) {
  const { Kafka, logLevel } = (await import('kafkajs')).default;
  const admin = new Kafka(benchKafkaConfig(infra, `${runId}-idle`, { logLevel: logLevel.NOTHING })).admin();
  await admin.connect();
  const started = Date.now();
  try {
    for (;;) {
      const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.endsWith(`-${runId}`));
      let behind = 0;
      for (const topic of topics) {
        const ends = await admin.fetchTopicOffsets(topic);
        for (const groupId of groups) {
          const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
          // A group that never committed on this topic does not read it (the gateway's reads org events only).
          if (!committed || committed.partitions.every((p) => Number(p.offset) < 0)) continue;
          const at = new Map(committed.partitions.map((p) => [p.partition, Number(p.offset)]));
          for (const e of ends) behind += Math.max(0, Number(e.high) - Math.max(0, at.get(e.partition) ?? 0));
        }
      }
      if (behind === 0) return (Date.now() - started) / 1000;
      if (Date.now() - started > timeoutMs)
        throw new Error(`consumer groups of ${runId} still ${behind} records behind after ${timeoutMs / 1000} s`);
      await new Promise((res) => setTimeout(res, 1_000));
    }
  } finally {
    await admin.disconnect();
  }
}

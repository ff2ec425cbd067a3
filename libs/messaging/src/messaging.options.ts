import type { KafkaAuth } from './kafka-auth.js';

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

export interface MessagingOptions {
  /** Bootstrap brokers, `host:port`. */
  brokers: string[];
  /** SASL and TLS of the connection (`kafkaAuthOf` the KAFKA_SASL_* / KAFKA_TLS* variables); none: plaintext. */
  auth?: KafkaAuth;
  /** CloudEvents `ce_source` suffix, and the Kafka client id unless `clientId` names another: the service name. */
  service: string;
  /** Kafka client id of the connections (broker logs, request metrics, client quotas); default `service`. */
  clientId?: string;
  /** Consumer group of this service; required when the service consumes. */
  groupId?: string;
  /** Handler attempts before a record goes to the dead-letter topic. */
  maxAttempts?: number;
  /** Partitions of the topics this service creates. */
  topicPartitions?: number;
  /** Replication factor of the topics this service creates (3 on a production cluster). */
  topicReplicationFactor?: number;
  /** Outbox relay: poll interval when idle (1 s); the relay is also nudged on every write of this process. */
  outboxPollMs?: number;
  /** Outbox relay: poll interval while events flow (100 ms): how long other replicas' writes wait. */
  outboxBusyPollMs?: number;
  /** Outbox relay: how long a relay's lease lasts without renewal; a standby takes over after it. */
  outboxLeaseMs?: number;
  /** Outbox relay: the most events published in one batch (2000; also at most 512 KiB of data). */
  outboxBatchSize?: number;
  /** Staged outbox batches: how old a staged batch must be before the relay's holder recovers it (60 s). */
  outboxBatchRecoveryMs?: number;
  /** Outbox relay: this replica's holder id in the lease (default: host, pid and a random suffix). */
  outboxRelayId?: string;
  /** Consumer: partitions processed at the same time by one consumer (order is per partition). */
  consumerConcurrency?: number;
  /** Consumer: first retry delay; doubles per attempt up to `retryMaxDelayMs`. */
  retryInitialDelayMs?: number;
  retryMaxDelayMs?: number;
}

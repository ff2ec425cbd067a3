export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

export interface MessagingOptions {
  /** Bootstrap brokers, `host:port`. */
  brokers: string[];
  /** Kafka client id and CloudEvents `ce_source` suffix: the service name. */
  service: string;
  /** Consumer group of this service; required when the service consumes. */
  groupId?: string;
  /** Handler attempts before a record goes to the dead-letter topic. */
  maxAttempts?: number;
  /** Partitions of the topics this service creates. */
  topicPartitions?: number;
  /** Replication factor of the topics this service creates (3 on a production cluster). */
  topicReplicationFactor?: number;
  /** Outbox relay fallback poll interval (the relay is also nudged on every write). */
  outboxPollMs?: number;
}

export function ceSource(service: string): string {
  return `/cn/edu/partybuilding/${service}`;
}

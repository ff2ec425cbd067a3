/**
 * Kafka topic names: one per aggregate stream, plus compacted state topics for reference data.
 * Topics are part of the public, versioned interface analysts subscribe to (ARCHITECTURE.md §2-3).
 */
export const Topics = {
  /** 組織單位事件流 org-unit change events (history). */
  orgUnits: 'orgs.units.v1',
  /** 組織單位狀態 compacted latest state per org unit, for bootstrapping consumers. */
  orgUnitsState: 'orgs.units.state.v1',
  /**
   * 寫操作審計 INTERNAL: every write with before and after, for the gateway's audit log. May carry
   * personal data: never granted to analysts (Kafka ACL), never in the public AsyncAPI channels.
   */
  auditWrites: 'audit.writes.v1',
} as const;

/** Topics that are not part of the analysts' interface (they may carry personal data). */
export const InternalTopics: readonly string[] = [Topics.auditWrites];

export type TopicName = (typeof Topics)[keyof typeof Topics];

/** Dead-letter topic of one consumer group for one source topic: `<topic>.dlq.<group>`. */
export function deadLetterTopic(topic: string, group: string): string {
  return `${topic}.dlq.${group}`;
}

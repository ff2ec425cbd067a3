/**
 * Kafka topic names: one per aggregate stream, plus compacted state topics for reference data.
 * Topics are part of the public, versioned interface analysts subscribe to (ARCHITECTURE.md §2-3):
 * a breaking change is a new `.v2` event type on a new `.v2` topic, published beside the old one.
 */
export const Topics = {
  /** 組織單位事件流 org-unit change events (history). */
  orgUnits: 'orgs.units.v1',
  /** 組織單位狀態 compacted latest state per org unit, for bootstrapping consumers. */
  orgUnitsState: 'orgs.units.state.v1',
} as const;

export type TopicKey = keyof typeof Topics;
export type TopicName = (typeof Topics)[TopicKey];

/** What each topic carries, for consumers (the AsyncAPI document's channels). */
export const TopicInfo: Record<TopicKey, { title: string; description: string; compacted: boolean }> = {
  orgUnits: {
    title: 'Org units 組織單位',
    description:
      'Every change to the org tree (city bureau, county bureaus, schools, units), in order per unit. ' +
      '組織架構（市教育局、縣區教育局、學校、單位）的每一次變更，同一單位按序。',
    compacted: false,
  },
  orgUnitsState: {
    title: 'Org unit state 組織單位狀態',
    description:
      'Latest state of each org unit (compacted), to bootstrap a read model without replaying history. ' +
      '每個組織單位的最新狀態（壓縮主題），無需重放歷史即可建立讀模型。',
    compacted: true,
  },
};

/** Dead-letter topic of one consumer group for one source topic: `<topic>.dlq.<group>`. */
export function deadLetterTopic(topic: string, group: string): string {
  return `${topic}.dlq.${group}`;
}

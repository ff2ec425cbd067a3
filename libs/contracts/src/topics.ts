/**
 * Kafka topic names: one per aggregate stream, plus compacted state topics for reference data.
 * Topics are part of the public, versioned interface analysts subscribe to (ARCHITECTURE.md §2-3).
 */
export const Topics = {
  /** 組織單位事件流 org-unit change events (history). */
  orgUnits: 'orgs.units.v1',
  /** 組織單位狀態 compacted latest state per org unit, for bootstrapping consumers. */
  orgUnitsState: 'orgs.units.state.v1',
  /** 黨組織事件流 party-organisation change events (history), keyed by the unit the organisation belongs to. */
  partyOrgs: 'orgs.party-orgs.v1',
  /** 黨組織狀態 compacted latest state per party organisation (keyed by the party organisation id). */
  partyOrgsState: 'orgs.party-orgs.state.v1',
  /** 黨員事件流 member changes: ids, statuses and counts only, never personal data. */
  members: 'orgs.members.v1',
  /** 黨員發展程序規則 milestone rule sets of the bureaus. */
  milestoneRules: 'orgs.milestone-rules.v1',
  /** 聯繫點 contact points of bureau cadres at grassroots schools, and their visits. */
  contactPoints: 'orgs.contact-points.v1',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];

/** Dead-letter topic of one consumer group for one source topic: `<topic>.dlq.<group>`. */
export function deadLetterTopic(topic: string, group: string): string {
  return `${topic}.dlq.${group}`;
}

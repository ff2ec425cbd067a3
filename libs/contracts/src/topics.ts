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
  /** 半月記實表事件流 half-month report events: expected, submitted, revised, reviewed, overdue. */
  reportingReports: 'reporting.reports.v1',
  /** 期次事件流 reporting period events: a period's deadline passed and was classified. */
  reportingPeriods: 'reporting.periods.v1',
  /**
   * 寫操作審計 INTERNAL: every write with before and after, for the gateway's audit log. May carry
   * personal data: never granted to analysts (Kafka ACL).
   */
  auditWrites: 'audit.writes.v1',
} as const;

/** Topics that are not part of the analysts' interface (they may carry personal data). */
export const InternalTopics: readonly string[] = [Topics.auditWrites];

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
  reportingReports: {
    title: 'Half-month reports 半月記實表',
    description:
      'Every expected, submitted, revised, returned, accepted and overdue half-month report, in order per school. ' +
      'Ids, periods, timeliness and review outcomes only: the form contents stay in the reporting service. ' +
      '半月記實表的應報、報送、修訂、退回、通過與逾期事件，同一學校按序；只含標識、期次、時效與審核結果，不含表單內容。',
    compacted: false,
  },
  reportingPeriods: {
    title: 'Reporting periods 報送期次',
    description: "A period's deadline passed in the city and its reports were classified. 期次截止並完成分類。",
    compacted: false,
  },
  partyOrgs: {
    title: 'Party organisations 黨組織',
    description:
      'Every change to a party organisation (committee, general branch, branch): creation, update, affiliation and routing, closing; keyed by its unit. ' +
      '黨組織（黨委、黨總支、黨支部）的建立、變更、隸屬關係與報送路由、撤銷，按所屬單位為鍵。',
    compacted: false,
  },
  partyOrgsState: {
    title: 'Party organisation state 黨組織狀態',
    description: 'Latest state of each party organisation (compacted), to bootstrap without replaying history. 每個黨組織的最新狀態（壓縮主題）。',
    compacted: true,
  },
  members: {
    title: 'Party members 黨員',
    description: 'Member registrations, milestones and transfers: ids, statuses and counts only, never personal data. 黨員登記、發展節點與轉接：僅含標識、狀態與數量，不含個人資料。',
    compacted: false,
  },
  milestoneRules: {
    title: 'Milestone rules 黨員發展程序規則',
    description: "A bureau's rule set for the order and minimum intervals of the development milestones changed. 教育局的發展程序規則變更。",
    compacted: false,
  },
  contactPoints: {
    title: 'Contact points 聯繫點',
    description: 'Contact points of bureau cadres at grassroots schools, their visits and their end. 幹部聯繫點、走訪記錄與結束。',
    compacted: false,
  },
  auditWrites: {
    title: 'Audit of writes (internal) 寫操作審計（內部）',
    description:
      'INTERNAL, not for analysts: every write with who, when, before and after, for the gateway audit log; may carry personal data. ' +
      '內部主題，不向分析人員開放：每次寫操作的操作人、時間及修改前後，供網關審計日誌；可能含個人資料。',
    compacted: false,
  },
};

/** Dead-letter topic of one consumer group for one source topic: `<topic>.dlq.<group>`. */
export function deadLetterTopic(topic: string, group: string): string {
  return `${topic}.dlq.${group}`;
}

/**
 * Kafka topic names: one per aggregate stream, plus compacted state topics for reference data.
 * Topics are part of the public, versioned interface analysts subscribe to (ARCHITECTURE.md §2-3):
 * a breaking change is a new `.v2` event type on a new `.v2` topic, published beside the old one.
 */
export const Topics = {
  /** 组织单位事件流 org-unit change events (history). */
  orgUnits: 'orgs.units.v1',
  /** 组织单位状态 compacted latest state per org unit, for bootstrapping consumers. */
  orgUnitsState: 'orgs.units.state.v1',
  /** 党组织事件流 party-organisation change events (history), keyed by the unit the organisation belongs to. */
  partyOrgs: 'orgs.party-orgs.v1',
  /** 党组织状态 compacted latest state per party organisation (keyed by the party organisation id). */
  partyOrgsState: 'orgs.party-orgs.state.v1',
  /** 党员事件流 member changes: ids, statuses and counts only, never personal data. */
  members: 'orgs.members.v1',
  /** 党员发展程序规则 milestone rule sets of the bureaus. */
  milestoneRules: 'orgs.milestone-rules.v1',
  /** 联系点 contact points of bureau cadres at grassroots schools, and their visits. */
  contactPoints: 'orgs.contact-points.v1',
  /** 挂职与支教 cadre assignments (secondments, teaching support): started, ending soon, ended, evaluated. Pseudonymous ids only. */
  trainingAssignments: 'training.assignments.v1',
  /** 半月记实表事件流 half-month report events: expected, submitted, revised, reviewed, overdue. */
  reportingReports: 'reporting.reports.v1',
  /** 期次事件流 reporting period events: a period's deadline passed and was classified. */
  reportingPeriods: 'reporting.periods.v1',
  /** 考核事件流 assessment scores and grades per party organisation: ids and numbers only. */
  evaluationAssessments: 'evaluation.assessments.v1',
  /** 考核方案 the city bureau's assessment schemes and their versions. */
  evaluationSchemes: 'evaluation.schemes.v1',
  /** 整改 rectifications asked by inspections: opened, submitted, overdue; ids and deadlines only. */
  evaluationInspections: 'evaluation.inspections.v1',
  /** 评比 nominations under notice, objections raised (never by whom), results published; ids only. */
  evaluationSelections: 'evaluation.selections.v1',
  /** 培训记录 training records: enrolled, session attended, assessed, certified; pseudonymous ids, hours and counts only. */
  trainingRecords: 'training.records.v1',
  /**
   * 写操作审计 INTERNAL: every write with before and after, for the gateway's audit log. May carry
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
    title: 'Org units 组织单位',
    description:
      'Every change to the org tree (city bureau, county bureaus, schools, units), in order per unit. ' +
      '组织架构（市教育局、县区教育局、学校、单位）的每一次变更，同一单位按序。',
    compacted: false,
  },
  orgUnitsState: {
    title: 'Org unit state 组织单位状态',
    description:
      'Latest state of each org unit (compacted), to bootstrap a read model without replaying history. ' +
      '每个组织单位的最新状态（压缩主题），无需重放历史即可建立读模型。',
    compacted: true,
  },
  reportingReports: {
    title: 'Half-month reports 半月记实表',
    description:
      'Every expected, submitted, revised, returned, accepted and overdue half-month report, in order per school. ' +
      'Ids, periods, timeliness and review outcomes only: the form contents stay in the reporting service. ' +
      '半月记实表的应报、报送、修订、退回、通过与逾期事件，同一学校按序；只含标识、期次、时效与审核结果，不含表单内容。',
    compacted: false,
  },
  reportingPeriods: {
    title: 'Reporting periods 报送期次',
    description: "A period's deadline passed in the city and its reports were classified. 期次截止并完成分类。",
    compacted: false,
  },
  partyOrgs: {
    title: 'Party organisations 党组织',
    description:
      'Every change to a party organisation (committee, general branch, branch): creation, update, affiliation and routing, closing; keyed by its unit. ' +
      '党组织（党委、党总支、党支部）的建立、变更、隶属关系与报送路由、撤销，按所属单位为键。',
    compacted: false,
  },
  partyOrgsState: {
    title: 'Party organisation state 党组织状态',
    description:
      'Latest state of each party organisation (compacted), to bootstrap without replaying history. 每个党组织的最新状态（压缩主题）。',
    compacted: true,
  },
  members: {
    title: 'Party members 党员',
    description:
      'Member registrations, milestones and transfers: ids, statuses and counts only, never personal data. 党员登记、发展节点与转接：仅含标识、状态与数量，不含个人信息。',
    compacted: false,
  },
  milestoneRules: {
    title: 'Milestone rules 党员发展程序规则',
    description:
      "A bureau's rule set for the order and minimum intervals of the development milestones changed. 教育局的发展程序规则变更。",
    compacted: false,
  },
  contactPoints: {
    title: 'Contact points 联系点',
    description: 'Contact points of bureau cadres at grassroots schools, their visits and their end. 干部联系点、走访记录与结束。',
    compacted: false,
  },
  evaluationAssessments: {
    title: 'Assessments 党建目标考核',
    description:
      'Scores and grades of each party organisation per scheme and year, as they change and when locked, in order per school. ' +
      'Ids, scheme versions, totals and grades only: no comments, evidence or accounts. ' +
      '各党组织按方案与年度的考核得分与等级（变更及锁定），同一学校按序；仅含标识、方案版本、总分与等级，不含评语、佐证与账号。',
    compacted: false,
  },
  evaluationSchemes: {
    title: 'Assessment schemes 考核方案',
    description:
      'The city bureau set an assessment scheme (five goods, four excellences, four strengthens four compares) for a year, and its version. 市教育局设定年度考核方案及其版本。',
    compacted: false,
  },
  evaluationInspections: {
    title: 'Rectifications 督促检查整改',
    description:
      'Rectifications an inspection asked of a unit, submitted, and overdue (escalated to the supervising bureau), in order per unit. ' +
      'Ids, kinds and deadlines only: no finding text, evidence or accounts. ' +
      '检查提出的整改事项、提交与逾期（上报主管局），同一单位按序；仅含标识、类别与期限，不含检查发现、材料与账号。',
    compacted: false,
  },
  evaluationSelections: {
    title: 'Selections 评比',
    description:
      'Nominations under public notice, objections raised and results published, in order per nominated unit. ' +
      'Ids, kinds and dates only: never the nominee, the deeds, an objection or who raised it. ' +
      '推荐公示、收到异议与结果公布，同一被推荐单位按序；仅含标识、类别与日期，不含被推荐人、事迹、异议内容与异议人。',
    compacted: false,
  },
  trainingRecords: {
    title: 'Training records 培训记录',
    description:
      "Teachers' enrolments, attended sessions (hours), assessment results and certifications (认定), in order per school. " +
      'Pseudonymous teacher ids, hours and counts only: never a name, staff number or birth year. ' +
      '教师报名、参训学时、考核结果与认定，同一学校按序；仅含化名标识、学时与数量，不含姓名、工号或出生年份。',
    compacted: false,
  },
  trainingAssignments: {
    title: 'Cadre assignments 挂职与支教',
    description:
      'Secondments (挂职锻炼, 上挂, 外省定点挂职) and teaching-support terms (支教帮扶): started, ending soon, ended, evaluated; keyed by the home unit. ' +
      'Pseudonymous teacher ids, units, dates and grades only, never names. ' +
      '挂职与支教的开始、即将结束、结束与考核，按派出单位为键；仅含化名标识、单位、日期与等次，不含姓名。',
    compacted: false,
  },
  auditWrites: {
    title: 'Audit of writes (internal) 写操作审计（内部）',
    description:
      'INTERNAL, not for analysts: every write with who, when, before and after, for the gateway audit log; may carry personal data. ' +
      '内部主题，不向分析人员开放：每次写操作的操作人、时间及修改前后，供网关审计日志；可能含个人信息。',
    compacted: false,
  },
};

/** Dead-letter topic of one consumer group for one source topic: `<topic>.dlq.<group>`. */
export function deadLetterTopic(topic: string, group: string): string {
  return `${topic}.dlq.${group}`;
}

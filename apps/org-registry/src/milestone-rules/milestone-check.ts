/**
 * 党员发展程序检查 The milestone rules as a pure function: order, minimum and maximum intervals,
 * minimum age at application, no date in the future. New records that break one are refused; imported
 * history that breaks one is kept and flagged for inspectors.
 */
import { MILESTONE_STATUS, MilestoneKinds, type MemberStatus, type MilestoneKind, type MilestoneRuleSet } from '@pb/contracts';
import { addSpan, describeSpan } from '../common/dates.js';

export interface Milestone {
  kind: MilestoneKind;
  date: string;
}

export interface Violation {
  rule: string;
  /** The milestone that breaks the rule (the later one of a pair). */
  milestone: MilestoneKind;
  /** The other milestone of the pair, if the rule is about two. */
  related?: MilestoneKind;
  message: { zh: string; en: string };
}

/** The platform default (中国共产党发展党员工作细则): bureaus may set their own. */
export const DEFAULT_RULES: MilestoneRuleSet = {
  order: [...MilestoneKinds],
  intervals: [
    {
      id: 'first-talk-within-month',
      from: 'application',
      to: 'first-talk',
      max: { months: 1 },
      description: '收到入党申请书后一个月内派人谈话',
    },
    {
      id: 'activist-training-year',
      from: 'activist',
      to: 'development-target',
      min: { years: 1 },
      description: '入党积极分子经过一年以上培养教育和考察，方可确定为发展对象',
    },
    {
      id: 'probationary-year',
      from: 'branch-conference',
      to: 'full-member-conference',
      min: { years: 1 },
      description: '预备期为一年，自支部大会通过之日起计算，期满方可讨论转正',
    },
  ],
  minAgeAtApplication: 18,
};

const ZH: Record<MilestoneKind, string> = {
  application: '递交入党申请书',
  'first-talk': '谈话',
  activist: '确定入党积极分子',
  'development-target': '确定发展对象',
  'political-check': '政治审查',
  'branch-conference': '支部大会讨论接收',
  'probationary-approval': '审批为预备党员',
  oath: '入党宣誓',
  'full-member-conference': '支部大会讨论转正',
  'full-member-approval': '审批转为正式党员',
};

export function checkMilestones(
  milestones: readonly Milestone[],
  rules: MilestoneRuleSet,
  birthDate: string | null,
  todayDate: string,
): Violation[] {
  const at = new Map<MilestoneKind, string>();
  for (const m of milestones) at.set(m.kind, m.date);
  const out: Violation[] = [];
  for (const m of milestones) {
    if (m.date > todayDate) {
      out.push({
        rule: 'not-in-future',
        milestone: m.kind,
        message: { zh: `${ZH[m.kind]}日期不能晚于今天`, en: `${m.kind} cannot be dated in the future` },
      });
    }
  }
  const order = rules.order;
  for (const [i, kind] of order.entries()) {
    const date = at.get(kind);
    if (date === undefined) continue;
    const missing = order.slice(0, i).find((k) => !at.has(k));
    if (missing) {
      out.push({
        rule: 'milestone-sequence',
        milestone: kind,
        related: missing,
        message: { zh: `${ZH[kind]}之前须先有「${ZH[missing]}」`, en: `${kind} needs ${missing} first` },
      });
      continue;
    }
    const previous = order
      .slice(0, i)
      .reverse()
      .find((k) => at.has(k));
    if (previous && at.get(previous)! > date) {
      out.push({
        rule: 'milestone-order',
        milestone: kind,
        related: previous,
        message: {
          zh: `${ZH[kind]}（${date}）早于${ZH[previous]}（${at.get(previous)}）`,
          en: `${kind} (${date}) is before ${previous} (${at.get(previous)})`,
        },
      });
    }
  }
  for (const rule of rules.intervals) {
    const from = at.get(rule.from);
    const to = at.get(rule.to);
    if (from === undefined || to === undefined) continue;
    const pair = { milestone: rule.to, related: rule.from };
    if (rule.min && to < addSpan(from, rule.min)) {
      const span = describeSpan(rule.min);
      out.push({
        rule: rule.id,
        ...pair,
        message: {
          zh: `${ZH[pair.milestone]}须在${ZH[pair.related]}（${from}）${span.zh}之后，即不早于 ${addSpan(from, rule.min)}`,
          en: `${rule.to} must come at least ${span.en} after ${rule.from} (${from}), on or after ${addSpan(from, rule.min)}`,
        },
      });
    }
    if (rule.max && to > addSpan(from, rule.max)) {
      const span = describeSpan(rule.max);
      out.push({
        rule: rule.id,
        ...pair,
        message: {
          zh: `${ZH[pair.milestone]}须在${ZH[pair.related]}（${from}）后${span.zh}内，即不晚于 ${addSpan(from, rule.max)}`,
          en: `${rule.to} must come within ${span.en} of ${rule.from} (${from}), by ${addSpan(from, rule.max)}`,
        },
      });
    }
  }
  const application = at.get('application');
  if (rules.minAgeAtApplication != null && application !== undefined && birthDate !== null) {
    const adult = addSpan(birthDate, { years: rules.minAgeAtApplication });
    if (application < adult) {
      out.push({
        rule: 'min-age-at-application',
        milestone: 'application',
        message: {
          zh: `申请入党时须年满${rules.minAgeAtApplication}岁`,
          en: `must be at least ${rules.minAgeAtApplication} years old when applying`,
        },
      });
    }
  }
  return out;
}

/** The violations a newly recorded milestone causes (older flags of imported history do not block it). */
export function violationsOf(kind: MilestoneKind, violations: readonly Violation[]): Violation[] {
  return violations.filter((v) => v.milestone === kind || v.related === kind);
}

/** The status the milestones reached: that of the furthest milestone that sets one. */
export function statusOf(milestones: readonly Milestone[]): MemberStatus {
  let status: MemberStatus = 'applicant';
  let best = -1;
  for (const m of milestones) {
    const s = MILESTONE_STATUS[m.kind];
    const rank = MilestoneKinds.indexOf(m.kind);
    if (s && rank > best) {
      best = rank;
      status = s;
    }
  }
  return status;
}

export function sortMilestones(milestones: readonly Milestone[]): Milestone[] {
  return [...milestones].sort((a, b) => MilestoneKinds.indexOf(a.kind) - MilestoneKinds.indexOf(b.kind));
}

import { DateTime } from 'luxon';
import {
  AssessmentLockedV1,
  NominationNoticeStartedV1,
  NominationObjectionRaisedV1,
  RectificationOpenedV1,
  RectificationOverdueV1,
  RectificationSubmittedV1,
} from '@pb/contracts';
import type { NoticeCategory, NotificationCatalog } from './catalog.js';
import type { NoticeParams, Recipient, RuleSettings } from './notice.js';

const school = (unitId: string): Recipient => ({ orgUnitId: unitId, roles: ['school-secretary'] });
const bureau = (bureauId: string): Recipient => ({ orgUnitId: bureauId, roles: ['city-admin', 'county-admin'] });
const s = (p: NoticeParams, k: string) => String(p[k] ?? '');

/** Tag recorded when a rectification is submitted: it cancels its pending reminder. */
export const rectificationSubmittedTag = (rectificationId: string) => `rectification-submitted:${rectificationId}`;

/** The reminder of a rectification: the first reminder offset before its last day, at the reminder hour (city time). */
export function rectificationReminderAt(deadlineAtIso: string, s: RuleSettings): Date {
  const lastDay = DateTime.fromISO(deadlineAtIso, { zone: s.timeZone }).minus({ milliseconds: 1 }).startOf('day');
  const days = Math.max(...s.reminderDays, 0);
  return lastDay.minus({ days }).set({ hour: s.reminderHour, minute: 0, second: 0, millisecond: 0 }).toJSDate();
}

const KIND: Record<string, { zh: string; en: string }> = {
  'party-dues': { zh: '党费收缴检查', en: 'party dues check' },
  'member-development': { zh: '党员发展程序抽查', en: 'member development spot check' },
  'theory-study': { zh: '理论学习情况检查', en: 'theory study check' },
};
const GRADE: Record<string, { zh: string; en: string }> = {
  excellent: { zh: '优秀', en: 'excellent' },
  good: { zh: '良好', en: 'good' },
  pass: { zh: '合格', en: 'pass' },
  fail: { zh: '不合格', en: 'fail' },
};

/**
 * 考核与督查 notices (docs/adr/0022): a locked assessment's result to the school and its bureau; a
 * rectification's reminder before its deadline (cancelled by the submission) and, once overdue, a
 * critical notice to the school and the bureau it was escalated to, which neither can mute.
 */
export function registerEvaluationRules(catalog: NotificationCatalog): void {
  const categories: NoticeCategory[] = [
    { id: 'assessment-result', critical: false, label: { zh: '考核结果', en: 'Assessment result' } },
    { id: 'rectification-reminder', critical: false, label: { zh: '整改提醒', en: 'Rectification reminder' } },
    { id: 'rectification-overdue', critical: true, label: { zh: '整改逾期', en: 'Rectification overdue' } },
    { id: 'selection-notice', critical: false, label: { zh: '评比公示', en: 'Selection notice' } },
    { id: 'selection-objection', critical: false, label: { zh: '公示异议', en: 'Objection to a nomination' } },
  ];
  for (const category of categories) catalog.registerCategory(category);

  catalog.registerTemplate({
    id: 'assessment-result',
    title: {
      zh: (p) => `考核结果：${s(p, 'year')}年度 ${GRADE[s(p, 'grade')]?.zh ?? s(p, 'grade')}`,
      en: (p) => `Assessment result ${s(p, 'year')}: ${GRADE[s(p, 'grade')]?.en ?? s(p, 'grade')}`,
    },
    body: {
      zh: (p, f) =>
        `${f.unit(s(p, 'unitId'))}（党组织 ${s(p, 'partyOrgId')}）${s(p, 'year')}年度考核总分 ${s(p, 'total')}，等级：${GRADE[s(p, 'grade')]?.zh ?? s(p, 'grade')}。`,
      en: (p, f) =>
        `${f.unit(s(p, 'unitId'))} (party organisation ${s(p, 'partyOrgId')}) scored ${s(p, 'total')} in ${s(p, 'year')}: ${GRADE[s(p, 'grade')]?.en ?? s(p, 'grade')}.`,
    },
  });
  catalog.registerTemplate({
    id: 'rectification-reminder',
    title: {
      zh: (p, f) => `整改提醒：请于${f.deadline(s(p, 'deadlineAt'))}前提交${KIND[s(p, 'kind')]?.zh ?? ''}整改材料`,
      en: (p, f) =>
        `Reminder: submit the rectification of the ${KIND[s(p, 'kind')]?.en ?? 'inspection'} by ${f.deadline(s(p, 'deadlineAt'))}`,
    },
    body: {
      zh: (p, f) => `${f.unit(s(p, 'unitId'))}的整改事项（${s(p, 'rectificationId')}）期限为${f.deadline(s(p, 'deadlineAt'))}。`,
      en: (p, f) =>
        `The rectification ${s(p, 'rectificationId')} of ${f.unit(s(p, 'unitId'))} is due by ${f.deadline(s(p, 'deadlineAt'))}.`,
    },
  });
  catalog.registerTemplate({
    id: 'rectification-overdue',
    title: {
      zh: (p, f) => `整改逾期：${f.unit(s(p, 'unitId'))}`,
      en: (p, f) => `Rectification overdue: ${f.unit(s(p, 'unitId'))}`,
    },
    body: {
      zh: (p, f) =>
        `${f.unit(s(p, 'unitId'))}未在${f.deadline(s(p, 'deadlineAt'))}前提交${KIND[s(p, 'kind')]?.zh ?? ''}整改材料（${s(p, 'rectificationId')}），已上报主管局。`,
      en: (p, f) =>
        `${f.unit(s(p, 'unitId'))} did not submit the rectification ${s(p, 'rectificationId')} of the ${KIND[s(p, 'kind')]?.en ?? 'inspection'} by ${f.deadline(s(p, 'deadlineAt'))}; it was escalated to the supervising bureau.`,
    },
  });

  catalog.registerTemplate({
    id: 'selection-notice',
    title: {
      zh: (p, f) => `评比公示：${f.unit(s(p, 'unitId'))}`,
      en: (p, f) => `Selection under public notice: ${f.unit(s(p, 'unitId'))}`,
    },
    body: {
      zh: (p, f) =>
        `${f.unit(s(p, 'unitId'))}的推荐（${s(p, 'nominationId')}）正在公示，如有异议请于${f.deadline(s(p, 'noticeEndsAt'))}前提出。`,
      en: (p, f) =>
        `The nomination ${s(p, 'nominationId')} of ${f.unit(s(p, 'unitId'))} is under public notice; objections until ${f.deadline(s(p, 'noticeEndsAt'))}.`,
    },
  });
  catalog.registerTemplate({
    id: 'selection-objection',
    title: {
      zh: (p, f) => `公示异议：${f.unit(s(p, 'unitId'))}的推荐`,
      en: (p, f) => `Objection to the nomination of ${f.unit(s(p, 'unitId'))}`,
    },
    body: {
      zh: (p) => `推荐 ${s(p, 'nominationId')} 收到异议（${s(p, 'objectionId')}），请核实处理。`,
      en: (p) => `The nomination ${s(p, 'nominationId')} received an objection (${s(p, 'objectionId')}); please look into it.`,
    },
  });

  // 公示 -> the units on the nominee's path: its bureaus' administrators and inspectors, and the school
  // (notices address units, not subtrees: the schools beside it are not told).
  catalog.registerRule(NominationNoticeStartedV1, ({ data }) => [
    {
      category: 'selection-notice',
      template: 'selection-notice',
      params: { nominationId: data.nominationId, unitId: data.unitId, noticeEndsAt: data.noticeEndsAt },
      recipients: [
        ...data.unitPath.slice(0, -1).map((id): Recipient => ({ orgUnitId: id, roles: ['city-admin', 'county-admin', 'inspector'] })),
        school(data.unitId),
      ],
      unitId: data.unitId,
      unitPath: data.unitPath,
    },
  ]);
  // 异议 -> the reviewing bureaus only: never the nominee's school, and never who objected.
  catalog.registerRule(NominationObjectionRaisedV1, ({ data }) => [
    {
      category: 'selection-objection',
      template: 'selection-objection',
      params: { nominationId: data.nominationId, objectionId: data.objectionId, unitId: data.unitId },
      recipients: data.reviewers.map(bureau),
      unitId: data.unitId,
      unitPath: data.unitPath,
    },
  ]);

  // 考核结果 -> the school and its bureau (the unit above it).
  catalog.registerRule(AssessmentLockedV1, ({ data }) => [
    {
      category: 'assessment-result',
      template: 'assessment-result',
      params: { unitId: data.unitId, partyOrgId: data.partyOrgId, year: data.year, total: data.total, grade: data.grade },
      recipients: [school(data.unitId), ...(data.unitPath.length > 1 ? [bureau(data.unitPath[data.unitPath.length - 2])] : [])],
      unitId: data.unitId,
      unitPath: data.unitPath,
    },
  ]);

  const rectification = (d: { rectificationId: string; unitId: string; kind: string; deadlineAt: string }): NoticeParams => ({
    rectificationId: d.rectificationId,
    unitId: d.unitId,
    kind: d.kind,
    deadlineAt: d.deadlineAt,
  });
  // 整改 -> a reminder before the deadline, cancelled when the unit submits first.
  catalog.registerRule(RectificationOpenedV1, ({ data }, settings) => [
    {
      id: `${data.rectificationId}/reminder`,
      category: 'rectification-reminder',
      template: 'rectification-reminder',
      params: rectification(data),
      recipients: [school(data.unitId)],
      unitId: data.unitId,
      unitPath: data.unitPath,
      sendAt: rectificationReminderAt(data.deadlineAt, settings),
      expiresAt: new Date(data.deadlineAt),
      cancelTags: [rectificationSubmittedTag(data.rectificationId)],
    },
  ]);
  catalog.registerRule(RectificationSubmittedV1, ({ data }) => [{ cancel: rectificationSubmittedTag(data.rectificationId) }]);
  // 逾期 -> critical (cannot be muted): the school and the bureau it was escalated to.
  catalog.registerRule(RectificationOverdueV1, ({ data }) => [
    {
      category: 'rectification-overdue',
      template: 'rectification-overdue',
      params: rectification(data),
      recipients: [school(data.unitId), ...data.escalatedTo.map(bureau)],
      unitId: data.unitId,
      unitPath: data.unitPath,
    },
  ]);
}

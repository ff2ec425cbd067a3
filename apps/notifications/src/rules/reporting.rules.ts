import { DateTime } from 'luxon';
import {
  ReportAcceptedV1,
  ReportExpectedV1,
  ReportOverdueV1,
  ReportReturnedV1,
  ReportRevisedV1,
  ReportSubmittedV1,
  type EventData,
} from '@pb/contracts';
import type { NoticeCategory, NotificationCatalog } from './catalog.js';
import type { NoticeDraft, NoticeParams, Recipient, RuleOutput, RuleSettings } from './notice.js';

/** Who a school's notices go to: its party secretary (the school's reporter). */
const school = (unitId: string): Recipient => ({ orgUnitId: unitId, roles: ['school-secretary'] });
/** A reviewing bureau's administrators (city or county). */
const bureau = (bureauId: string): Recipient => ({
  orgUnitId: bureauId,
  roles: ['city-admin', 'county-admin'],
});

/** Tag recorded when a report is submitted: it cancels the report's pending reminders. */
export const submittedTag = (reportId: string) => `report-submitted:${reportId}`;

/**
 * When the reminders of one deadline go out: `days` before the last day to report (the day before
 * `dueAt`, which is the first late instant), at the reminder hour in the city zone. H1 due by the
 * 12th with 3 and 1 days: the 9th and the 11th at 09:00. A reminder that would fall before the
 * window opens (H2's window is the last three days) moves to the first reminder hour after it.
 */
export function reminderInstants(opensAtIso: string, dueAtIso: string, s: RuleSettings): { days: number; at: Date }[] {
  const due = DateTime.fromISO(dueAtIso, { zone: s.timeZone });
  const opens = DateTime.fromISO(opensAtIso, { zone: s.timeZone });
  const lastDay = due.minus({ milliseconds: 1 }).startOf('day');
  const out: { days: number; at: Date }[] = [];
  const seen = new Set<number>();
  for (const days of [...s.reminderDays].sort((a, b) => b - a)) {
    let at = lastDay.minus({ days }).set({ hour: s.reminderHour, minute: 0, second: 0, millisecond: 0 });
    if (at < opens) {
      at = opens.startOf('day').set({ hour: s.reminderHour });
      if (at < opens) at = at.plus({ days: 1 });
    }
    if (at >= due || seen.has(at.toMillis())) continue;
    seen.add(at.toMillis());
    out.push({ days, at: at.toJSDate() });
  }
  return out;
}

const s = (p: NoticeParams, k: string) => String(p[k] ?? '');

/** Which report a notice is about: every reporting notice names it. */
const reportRef = (d: { reportId: string; partyOrgId: string; unitId: string; periodId: string }): NoticeParams => ({
  reportId: d.reportId,
  partyOrgId: d.partyOrgId,
  unitId: d.unitId,
  periodId: d.periodId,
});

/** What a reminder and an overdue alert say of the report that is (or was) due. */
const dueReportParams = (d: { reportId: string; partyOrgId: string; unitId: string; periodId: string; dueAt: string }): NoticeParams => ({
  ...reportRef(d),
  dueAt: d.dueAt,
});

/** 半月报 notices: reminders before each deadline, reports awaiting review, overdue alerts, review results. */
export function registerReportingRules(catalog: NotificationCatalog): void {
  const categories: NoticeCategory[] = [
    { id: 'deadline-reminder', critical: false, label: { zh: '报送提醒', en: 'Deadline reminder' } },
    // Every school's report, twice a month: the bureau's inbox is its review queue; e-mail and webhooks on request.
    {
      id: 'report-awaiting-review',
      critical: false,
      label: { zh: '待审核', en: 'Report awaiting review' },
      optIn: ['email', 'webhook'],
    },
    { id: 'report-overdue', critical: true, label: { zh: '逾期未报', en: 'Report overdue' } },
    { id: 'report-returned', critical: true, label: { zh: '退回修改', en: 'Report returned' } },
    { id: 'report-accepted', critical: false, label: { zh: '审核通过', en: 'Report accepted' } },
  ];
  for (const category of categories) catalog.registerCategory(category);

  catalog.registerTemplate({
    id: 'report-reminder',
    title: {
      zh: (p, f) => `提醒：${f.period(s(p, 'periodId'))}半月记实表请于${f.deadline(s(p, 'dueAt'))}前报送`,
      en: (p, f) => `Reminder: the half-month report for the ${f.period(s(p, 'periodId'))} is due by ${f.deadline(s(p, 'dueAt'))}`,
    },
    body: {
      zh: (p, f) =>
        `${f.unit(s(p, 'unitId'))}（党组织 ${s(p, 'partyOrgId')}）尚未报送${f.period(s(p, 'periodId'))}半月记实表，截止日期 ${f.deadline(s(p, 'dueAt'))}。`,
      en: (p, f) =>
        `${f.unit(s(p, 'unitId'))} (party organisation ${s(p, 'partyOrgId')}) has not yet submitted its half-month report for the ${f.period(s(p, 'periodId'))}; the last day is ${f.deadline(s(p, 'dueAt'))}.`,
    },
    digest: {
      zh: (n) => `${n}份半月记实表待报送`,
      en: (n) => `${n} half-month reports still to submit`,
    },
  });

  const revisionNote = (p: NoticeParams, lang: 'zh' | 'en') =>
    Number(p['revision']) > 1 ? (lang === 'zh' ? `（第${s(p, 'revision')}版）` : ` (revision ${s(p, 'revision')})`) : '';
  catalog.registerTemplate({
    id: 'report-awaiting-review',
    title: {
      zh: (p, f) => `待审核：${f.unit(s(p, 'unitId'))} ${f.period(s(p, 'periodId'))}半月记实表${revisionNote(p, 'zh')}`,
      en: (p, f) =>
        `Awaiting review: ${f.unit(s(p, 'unitId'))}, half-month report for the ${f.period(s(p, 'periodId'))}${revisionNote(p, 'en')}`,
    },
    body: {
      zh: (p, f) =>
        `${f.unit(s(p, 'unitId'))}（党组织 ${s(p, 'partyOrgId')}）${Number(p['revision']) > 1 ? '重新' : ''}报送了${f.period(s(p, 'periodId'))}半月记实表（第${s(p, 'revision')}版，${p['timeliness'] === 'late' ? '迟报' : '按时'}），请审核。`,
      en: (p, f) =>
        `${f.unit(s(p, 'unitId'))} (party organisation ${s(p, 'partyOrgId')}) ${Number(p['revision']) > 1 ? 'resubmitted' : 'submitted'} its half-month report for the ${f.period(s(p, 'periodId'))} (revision ${s(p, 'revision')}, ${p['timeliness'] === 'late' ? 'late' : 'on time'}); it awaits your review.`,
    },
    digest: {
      zh: (n) => `${n}份半月记实表待审核`,
      en: (n) => `${n} half-month reports awaiting review`,
    },
  });

  const distinctUnits = (items: NoticeParams[]) => new Set(items.map((p) => s(p, 'unitId'))).size;
  catalog.registerTemplate({
    id: 'report-overdue',
    title: {
      zh: (p, f) => `逾期未报：${f.unit(s(p, 'unitId'))} ${f.period(s(p, 'periodId'))}半月记实表`,
      en: (p, f) => `Overdue: ${f.unit(s(p, 'unitId'))}, half-month report for the ${f.period(s(p, 'periodId'))}`,
    },
    body: {
      zh: (p, f) =>
        `${f.unit(s(p, 'unitId'))}（党组织 ${s(p, 'partyOrgId')}）未在${f.deadline(s(p, 'dueAt'))}截止前报送${f.period(s(p, 'periodId'))}半月记实表。`,
      en: (p, f) =>
        `${f.unit(s(p, 'unitId'))} (party organisation ${s(p, 'partyOrgId')}) did not submit its half-month report for the ${f.period(s(p, 'periodId'))} by ${f.deadline(s(p, 'dueAt'))}.`,
    },
    digest: {
      zh: (_n, items) => `${distinctUnits(items)}所学校逾期未报`,
      en: (_n, items) => `${distinctUnits(items)} schools overdue`,
    },
  });

  catalog.registerTemplate({
    id: 'report-returned',
    title: {
      zh: (p, f) => `退回修改：${f.period(s(p, 'periodId'))}半月记实表`,
      en: (p, f) => `Returned for revision: half-month report for the ${f.period(s(p, 'periodId'))}`,
    },
    body: {
      zh: (p, f) =>
        `${f.unit(s(p, 'bureauId'))}退回了${f.unit(s(p, 'unitId'))}的${f.period(s(p, 'periodId'))}半月记实表（第${s(p, 'revision')}版）。审核意见：${s(p, 'comment') || '（无）'}`,
      en: (p, f) =>
        `${f.unit(s(p, 'bureauId'))} returned the half-month report of ${f.unit(s(p, 'unitId'))} for the ${f.period(s(p, 'periodId'))} (revision ${s(p, 'revision')}). Comment: ${s(p, 'comment') || '(none)'}`,
    },
  });

  catalog.registerTemplate({
    id: 'report-accepted',
    title: {
      zh: (p, f) => `审核通过：${f.period(s(p, 'periodId'))}半月记实表`,
      en: (p, f) => `Accepted: half-month report for the ${f.period(s(p, 'periodId'))}`,
    },
    body: {
      zh: (p, f) =>
        `${f.unit(s(p, 'bureauId'))}通过了${f.unit(s(p, 'unitId'))}的${f.period(s(p, 'periodId'))}半月记实表（第${s(p, 'revision')}版）。${s(p, 'comment')}`,
      en: (p, f) =>
        `${f.unit(s(p, 'bureauId'))} accepted the half-month report of ${f.unit(s(p, 'unitId'))} for the ${f.period(s(p, 'periodId'))} (revision ${s(p, 'revision')}). ${s(p, 'comment')}`.trim(),
    },
  });

  // 应报 -> reminders before the deadline, each cancelled when the report is submitted first.
  catalog.registerRule(ReportExpectedV1, ({ data }, settings) =>
    reminderInstants(data.opensAt, data.dueAt, settings).map(({ days, at }) => ({
      id: `${data.reportId}/reminder-${days}d`,
      category: 'deadline-reminder',
      template: 'report-reminder',
      params: dueReportParams(data),
      recipients: [school(data.unitId)],
      unitId: data.unitId,
      unitPath: data.unitPath,
      sendAt: at,
      expiresAt: new Date(data.dueAt),
      cancelTags: [submittedTag(data.reportId)],
    })),
  );
  // 报送 -> the report's pending reminders are cancelled, and each reviewing bureau is told it awaits
  // review (again after a revision: every revision resets the reviews).
  const submitted = (data: EventData<typeof ReportSubmittedV1>): RuleOutput[] => [
    { cancel: submittedTag(data.reportId) },
    {
      category: 'report-awaiting-review',
      template: 'report-awaiting-review',
      params: { ...reportRef(data), revision: data.revision, timeliness: data.timeliness },
      recipients: data.reviewers.map(bureau),
      unitId: data.unitId,
      unitPath: data.unitPath,
    },
  ];
  catalog.registerRule(ReportSubmittedV1, ({ data }) => submitted(data));
  catalog.registerRule(ReportRevisedV1, ({ data }) => submitted(data));

  // 未报 -> the school and every bureau that reviews it (its county, or the city for a city-direct school).
  catalog.registerRule(ReportOverdueV1, ({ data }) => [
    {
      category: 'report-overdue',
      template: 'report-overdue',
      params: dueReportParams(data),
      recipients: [school(data.unitId), ...data.reviewers.map(bureau)],
      unitId: data.unitId,
      unitPath: data.unitPath,
    },
  ]);

  interface Review {
    reportId: string;
    partyOrgId: string;
    unitId: string;
    unitPath?: string[];
    periodId: string;
    revision: number;
    bureauId: string;
    comment?: string;
  }
  const review = (template: 'report-returned' | 'report-accepted', data: Review): NoticeDraft[] => [
    {
      category: template,
      template,
      params: { ...reportRef(data), revision: data.revision, bureauId: data.bureauId, comment: data.comment ?? '' },
      recipients: [school(data.unitId)],
      unitId: data.unitId,
      unitPath: data.unitPath ?? [data.bureauId, data.unitId],
    },
  ];
  catalog.registerRule(ReportReturnedV1, (event) => review('report-returned', event.data as Review));
  catalog.registerRule(ReportAcceptedV1, (event) => review('report-accepted', event.data as Review));
}

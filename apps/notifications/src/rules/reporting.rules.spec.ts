import { describe, expect, it } from '@jest/globals';
import { DateTime } from 'luxon';
import { ReportExpectedV1, ReportOverdueV1, ReportRevisedV1, ReportSubmittedV1 } from '@pb/contracts';
import { render, renderDigest, templateFormat } from '../templates/render.js';
import { NotificationCatalog } from './catalog.js';
import type { NoticeDraft, RuleSettings } from './notice.js';
import { registerReportingRules, reminderInstants } from './reporting.rules.js';

const zone = 'Asia/Shanghai';
const settings: RuleSettings = { timeZone: zone, reminderDays: [3, 1], reminderHour: 9 };
const sh = (iso: string) => DateTime.fromISO(iso, { zone }).toJSDate();
const local = (d: Date) => DateTime.fromJSDate(d, { zone }).toFormat('yyyy-MM-dd HH:mm');

describe('reminderInstants', () => {
  it('reminds H1 (due by the 12th) on the 9th and the 11th at 09:00 city time', () => {
    const at = reminderInstants(sh('2027-03-01T00:00').toISOString(), sh('2027-03-13T00:00').toISOString(), settings);
    expect(at.map((r) => [r.days, local(r.at)])).toEqual([
      [3, '2027-03-09 09:00'],
      [1, '2027-03-11 09:00'],
    ]);
  });

  it('moves a reminder that would come before the window opens to the first reminder hour inside it (H2 of a leap February)', () => {
    // 2028-02-H2: the last three days 27, 28, 29; due by the end of the 29th.
    const at = reminderInstants(sh('2028-02-27T00:00').toISOString(), sh('2028-03-01T00:00').toISOString(), settings);
    expect(at.map((r) => [r.days, local(r.at)])).toEqual([
      [3, '2028-02-27 09:00'],
      [1, '2028-02-28 09:00'],
    ]);
  });

  it('follows a deadline a bureau extended (holidays), and never reminds at or after the deadline', () => {
    const at = reminderInstants(sh('2027-10-01T00:00').toISOString(), sh('2027-10-16T00:00').toISOString(), {
      ...settings,
      reminderDays: [3, 1, 0],
    });
    expect(at.map((r) => local(r.at))).toEqual(['2027-10-12 09:00', '2027-10-14 09:00', '2027-10-15 09:00']);
    expect(reminderInstants(sh('2027-10-15T12:00').toISOString(), sh('2027-10-15T12:30').toISOString(), settings)).toEqual([]);
  });
});

describe('reporting rules', () => {
  const catalog = new NotificationCatalog();
  registerReportingRules(catalog);
  const run = (type: string, data: object) => catalog.rulesFor(type).flatMap((rule) => rule({ id: 'e1', type, time: '', data }, settings));
  const report = { reportId: 'po1:2027-03-H1', partyOrgId: 'po1', unitId: 's1', unitPath: ['c', 'k', 's1'], periodId: '2027-03-H1' };
  const submission = {
    ...report,
    revision: 1,
    submittedAt: sh('2027-03-05T10:00').toISOString(),
    timeliness: 'on-time',
    reviewers: ['k'],
  };

  it('schedules reminders to the school secretary, cancelled by the submission, expiring at the deadline', () => {
    const data = {
      ...report,
      opensAt: sh('2027-03-01T00:00').toISOString(),
      dueAt: sh('2027-03-13T00:00').toISOString(),
      reviewers: ['k'],
    };
    const out = run(ReportExpectedV1.type, data) as NoticeDraft[];
    expect(out.map((n) => n.id)).toEqual(['po1:2027-03-H1/reminder-3d', 'po1:2027-03-H1/reminder-1d']);
    expect(out[0]).toMatchObject({
      category: 'deadline-reminder',
      recipients: [{ orgUnitId: 's1', roles: ['school-secretary'] }],
      cancelTags: ['report-submitted:po1:2027-03-H1'],
      expiresAt: new Date(data.dueAt),
    });
    expect(run(ReportSubmittedV1.type, submission)[0]).toEqual({ cancel: 'report-submitted:po1:2027-03-H1' });
  });

  it('tells each reviewing bureau a submitted report awaits review, e-mail and webhooks only on request', () => {
    const [cancel, notice] = run(ReportSubmittedV1.type, { ...submission, reviewers: ['k', 'c'] }) as [object, NoticeDraft];
    expect(cancel).toEqual({ cancel: 'report-submitted:po1:2027-03-H1' });
    expect(notice).toMatchObject({
      category: 'report-awaiting-review',
      template: 'report-awaiting-review',
      recipients: [
        { orgUnitId: 'k', roles: ['city-admin', 'county-admin'] },
        { orgUnitId: 'c', roles: ['city-admin', 'county-admin'] },
      ],
      unitId: 's1',
      unitPath: ['c', 'k', 's1'],
      params: { reportId: 'po1:2027-03-H1', revision: 1, timeliness: 'on-time' },
    });
    // No reminder-style timing: it goes when the event comes, and nothing cancels it.
    expect(notice).not.toHaveProperty('sendAt');
    expect(notice).not.toHaveProperty('cancelTags');
    expect(catalog.category('report-awaiting-review')).toMatchObject({ critical: false, optIn: ['email', 'webhook'] });
    const f = templateFormat('zh', zone, (id) => (id === 's1' ? '第一中学' : undefined));
    expect(render(catalog.template('report-awaiting-review'), notice.params, f)).toEqual({
      title: '待审核：第一中学 2027年3月上半月半月记实表',
      body: '第一中学（党组织 po1）报送了2027年3月上半月半月记实表（第1版，按时），请审核。',
    });
  });

  it('asks for review again after a revision, naming the revision and a late report', () => {
    const [, notice] = run(ReportRevisedV1.type, { ...submission, revision: 2, timeliness: 'late' }) as [object, NoticeDraft];
    expect(notice.recipients).toEqual([{ orgUnitId: 'k', roles: ['city-admin', 'county-admin'] }]);
    const template = catalog.template('report-awaiting-review');
    expect(render(template, notice.params, templateFormat('zh', zone))).toEqual({
      title: '待审核：s1 2027年3月上半月半月记实表（第2版）',
      body: 's1（党组织 po1）重新报送了2027年3月上半月半月记实表（第2版，迟报），请审核。',
    });
    expect(render(template, notice.params, templateFormat('en', zone))).toEqual({
      title: 'Awaiting review: s1, half-month report for the first half of March 2027 (revision 2)',
      body: 's1 (party organisation po1) resubmitted its half-month report for the first half of March 2027 (revision 2, late); it awaits your review.',
    });
    const items = [notice.params, { ...notice.params, unitId: 's2' }].map((params) => ({ template, params }));
    expect(renderDigest(items, templateFormat('zh', zone)).title).toBe('2份半月记实表待审核');
    expect(renderDigest(items, templateFormat('en', zone)).title).toBe('2 half-month reports awaiting review');
  });

  it('sends an overdue alert to the school and each reviewing bureau (the city for a city-direct school)', () => {
    const [notice] = run(ReportOverdueV1.type, {
      reportId: 'po9:2027-03-H1',
      partyOrgId: 'po9',
      unitId: 's9',
      unitPath: ['c', 's9'],
      periodId: '2027-03-H1',
      dueAt: '2027-03-12T16:00:00.000Z',
      reviewers: ['c'],
    }) as NoticeDraft[];
    expect(notice.recipients).toEqual([
      { orgUnitId: 's9', roles: ['school-secretary'] },
      { orgUnitId: 'c', roles: ['city-admin', 'county-admin'] },
    ]);
    expect(catalog.category(notice.category).critical).toBe(true);
  });

  it('collapses overdue alerts of seven schools into "7所学校逾期未报" / "7 schools overdue"', () => {
    const items = Array.from({ length: 7 }, (_, i) => ({
      template: catalog.template('report-overdue'),
      params: {
        unitId: `s${i}`,
        partyOrgId: `po${i}`,
        periodId: '2027-03-H1',
        dueAt: '2027-03-12T16:00:00.000Z',
      },
    }));
    const zh = renderDigest(
      items,
      templateFormat('zh', zone, (id) => (id === 's3' ? '第三中学' : undefined)),
    );
    expect(zh.title).toBe('7所学校逾期未报');
    expect(zh.body).toContain('逾期未报：第三中学 2027年3月上半月半月记实表');
    expect(zh.body).toContain('2027年3月12日');
    expect(renderDigest(items, templateFormat('en', zone)).title).toBe('7 schools overdue');
  });
});

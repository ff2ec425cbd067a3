import { AssignmentEndingSoonV1 } from '@pb/contracts';
import type { NotificationCatalog } from './catalog.js';
import type { NoticeDraft, NoticeParams, Recipient } from './notice.js';

/** A unit's staff who arrange cadre work: its secretary (a school) or its administrators (a bureau). */
const staffOf = (unitId: string): Recipient => ({ orgUnitId: unitId, roles: ['school-secretary', 'city-admin', 'county-admin'] });

const s = (p: NoticeParams, k: string) => String(p[k] ?? '');
const KIND: Record<string, { zh: string; en: string }> = {
  'high-quality-school': { zh: '挂职锻炼', en: 'secondment to a high-quality school' },
  bureau: { zh: '上挂', en: 'secondment to the bureau' },
  'other-province': { zh: '外省定点挂职', en: 'secondment to another province' },
  'teaching-support': { zh: '支教帮扶', en: 'teaching support' },
};

/** 干部培养 notices: the reminder to the host and home units before a secondment or teaching support ends. */
export function registerTrainingRules(catalog: NotificationCatalog): void {
  catalog.registerCategory({ id: 'assignment-ending', critical: false, label: { zh: '挂职支教即将结束', en: 'Assignment ending' } });

  catalog.registerTemplate({
    id: 'assignment-ending-soon',
    title: {
      zh: (p) => `提醒：${KIND[s(p, 'kind')]?.zh ?? ''}将于${s(p, 'endsOn')}结束`,
      en: (p) => `Reminder: a ${KIND[s(p, 'kind')]?.en ?? 'assignment'} ends on ${s(p, 'endsOn')}`,
    },
    body: {
      zh: (p, f) =>
        `教师 ${s(p, 'teacherId')} 自${f.unit(s(p, 'homeUnitId'))}派往${p['hostUnitId'] ? f.unit(s(p, 'hostUnitId')) : s(p, 'hostProvince')}的${KIND[s(p, 'kind')]?.zh ?? ''}（${s(p, 'startsOn')} 至 ${s(p, 'endsOn')}）还有${s(p, 'daysLeft')}天结束，请安排考核与交接。`,
      en: (p, f) =>
        `The ${KIND[s(p, 'kind')]?.en ?? 'assignment'} of teacher ${s(p, 'teacherId')} from ${f.unit(s(p, 'homeUnitId'))} to ${p['hostUnitId'] ? f.unit(s(p, 'hostUnitId')) : s(p, 'hostProvince')} (${s(p, 'startsOn')} to ${s(p, 'endsOn')}) ends in ${s(p, 'daysLeft')} days: arrange its evaluation and handover.`,
    },
  });

  // 即将结束 -> the home unit and the host unit (when the host is a unit of the city), each its own notice.
  catalog.registerRule(AssignmentEndingSoonV1, ({ data }) => {
    const params: NoticeParams = {
      assignmentId: data.assignmentId,
      kind: data.kind,
      teacherId: data.teacherId,
      homeUnitId: data.homeUnitId,
      hostUnitId: data.hostUnitId,
      hostProvince: data.hostProvince,
      startsOn: data.startsOn,
      endsOn: data.endsOn,
      daysLeft: data.daysLeft,
    };
    const notice = (key: string, unitId: string, unitPath: string[]): NoticeDraft => ({
      key,
      category: 'assignment-ending',
      template: 'assignment-ending-soon',
      params,
      recipients: [staffOf(unitId)],
      unitId,
      unitPath,
    });
    return [
      notice('home', data.homeUnitId, data.homeUnitPath),
      ...(data.hostUnitId ? [notice('host', data.hostUnitId, data.hostUnitPath ?? [data.hostUnitId])] : []),
    ];
  });
}

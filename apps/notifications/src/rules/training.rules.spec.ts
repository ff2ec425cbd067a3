import { describe, expect, it } from '@jest/globals';
import { AssignmentEndingSoonV1 } from '@pb/contracts';
import { NotificationCatalog } from './catalog.js';
import type { NoticeDraft, RuleSettings } from './notice.js';
import { registerTrainingRules } from './training.rules.js';
import { templateFormat } from '../templates/render.js';

const settings: RuleSettings = { timeZone: 'Asia/Shanghai', reminderDays: [3, 1], reminderHour: 9 };
const data = {
  assignmentId: 'a1',
  assignmentType: 'secondment',
  kind: 'high-quality-school',
  teacherId: 't1',
  homeUnitId: 's1',
  homeUnitPath: ['c', 'k', 's1'],
  hostUnitId: 's9',
  hostUnitPath: ['c', 's9'],
  hostProvince: null,
  startsOn: '2027-03-01',
  endsOn: '2027-06-30',
  status: 'active',
  endedOn: null,
  grade: null,
  version: 2,
  daysLeft: 14,
};

describe('training rules', () => {
  const catalog = new NotificationCatalog();
  registerTrainingRules(catalog);
  const run = (d: object) =>
    catalog
      .rulesFor(AssignmentEndingSoonV1.type)
      .flatMap((rule) => rule({ id: 'e1', type: AssignmentEndingSoonV1.type, time: '', data: d }, settings)) as NoticeDraft[];

  it('reminds both the home unit and the host unit, each scoped to its own path', () => {
    const out = run(data);
    expect(out.map((n) => [n.key, n.unitId, n.unitPath, n.recipients])).toEqual([
      ['home', 's1', ['c', 'k', 's1'], [{ orgUnitId: 's1', roles: ['school-secretary', 'city-admin', 'county-admin'] }]],
      ['host', 's9', ['c', 's9'], [{ orgUnitId: 's9', roles: ['school-secretary', 'city-admin', 'county-admin'] }]],
    ]);
  });

  it('reminds only the home unit of a secondment to another province, naming the province', () => {
    const out = run({ ...data, kind: 'other-province', hostUnitId: null, hostUnitPath: null, hostProvince: '贵州省' });
    expect(out.map((n) => n.unitId)).toEqual(['s1']);
    const t = catalog.template('assignment-ending-soon');
    const f = templateFormat('zh', 'Asia/Shanghai', (id) => ({ s1: '第一中学' })[id]);
    expect(t.body.zh(out[0].params, f)).toContain('第一中学派往贵州省的外省定点挂职');
  });
});

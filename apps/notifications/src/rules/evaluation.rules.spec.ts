import { describe, expect, it } from '@jest/globals';
import { DateTime } from 'luxon';
import {
  AssessmentLockedV1,
  NominationObjectionRaisedV1,
  NotificationPreferencesSchema,
  RectificationOpenedV1,
  RectificationOverdueV1,
  RectificationSubmittedV1,
} from '@pb/contracts';
import { NotificationCatalog } from './catalog.js';
import { registerEvaluationRules, rectificationSubmittedTag } from './evaluation.rules.js';
import type { NoticeDraft, RuleSettings } from './notice.js';

const zone = 'Asia/Shanghai';
const settings: RuleSettings = { timeZone: zone, reminderDays: [3, 1], reminderHour: 9 };
const sh = (iso: string) => DateTime.fromISO(iso, { zone }).toJSDate();

describe('evaluation rules', () => {
  const catalog = new NotificationCatalog();
  registerEvaluationRules(catalog);
  const run = (type: string, data: object) => catalog.rulesFor(type).flatMap((rule) => rule({ id: 'e1', type, time: '', data }, settings));
  const rectification = {
    rectificationId: 'rect_1',
    inspectionId: 'insp_1',
    kind: 'party-dues',
    unitId: 's1',
    unitPath: ['c', 'k', 's1'],
    deadlineAt: sh('2031-03-11T00:00').toISOString(),
    version: 1,
  };

  it('sends an overdue rectification, critical (no one can mute it), to the school and the bureau it was escalated to', () => {
    const [notice] = run(RectificationOverdueV1.type, { ...rectification, escalatedTo: ['k'], version: 2 }) as NoticeDraft[];
    expect(notice).toMatchObject({
      category: 'rectification-overdue',
      recipients: [
        { orgUnitId: 's1', roles: ['school-secretary'] },
        { orgUnitId: 'k', roles: ['city-admin', 'county-admin'] },
      ],
    });
    expect(catalog.category('rectification-overdue').critical).toBe(true);
    // A school's preferences cannot switch it off: every channel is `const: true` (a PUT that mutes it is a 400).
    expect(NotificationPreferencesSchema.properties.categories.properties['rectification-overdue'].properties).toEqual({
      inbox: { const: true },
      email: { const: true },
      webhook: { const: true },
    });
  });

  it('reminds the school three days before the last day at 09:00, unless it submitted first', () => {
    const [reminder] = run(RectificationOpenedV1.type, rectification) as NoticeDraft[];
    expect(reminder).toMatchObject({
      id: 'rect_1/reminder',
      category: 'rectification-reminder',
      sendAt: sh('2031-03-07T09:00'),
      expiresAt: sh('2031-03-11T00:00'),
      cancelTags: [rectificationSubmittedTag('rect_1')],
    });
    expect(run(RectificationSubmittedV1.type, rectification)).toEqual([{ cancel: rectificationSubmittedTag('rect_1') }]);
  });

  it("sends a locked assessment's result to the school and its bureau", () => {
    const [notice] = run(AssessmentLockedV1.type, {
      assessmentId: 'five-goods:2031:po1',
      kind: 'five-goods',
      year: 2031,
      partyOrgId: 'po1',
      unitId: 's1',
      unitPath: ['c', 'k', 's1'],
      schemeVersion: 1,
      status: 'locked',
      total: 91.5,
      grade: 'excellent',
      version: 5,
      groups: [],
    }) as NoticeDraft[];
    expect(notice.recipients).toEqual([
      { orgUnitId: 's1', roles: ['school-secretary'] },
      { orgUnitId: 'k', roles: ['city-admin', 'county-admin'] },
    ]);
    expect(notice.params).toMatchObject({ total: 91.5, grade: 'excellent' });
  });

  it('tells only the reviewing bureaus of an objection, never the nominee or who objected', () => {
    const [notice] = run(NominationObjectionRaisedV1.type, {
      nominationId: 'nom_1',
      kind: 'excellent-member',
      year: 2031,
      unitId: 's1',
      unitPath: ['c', 'k', 's1'],
      groupId: 'k',
      objectionId: 'obj_1',
      reviewers: ['k', 'c'],
      version: 4,
    }) as NoticeDraft[];
    expect(notice.recipients).toEqual([
      { orgUnitId: 'k', roles: ['city-admin', 'county-admin'] },
      { orgUnitId: 'c', roles: ['city-admin', 'county-admin'] },
    ]);
    expect(Object.keys(notice.params).sort()).toEqual(['nominationId', 'objectionId', 'unitId']);
  });
});

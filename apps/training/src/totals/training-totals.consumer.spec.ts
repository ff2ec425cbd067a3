import { describe, expect, it } from '@jest/globals';
import { TrainingCertifiedV1, TrainingEnrolledV1, TrainingSessionAttendedV1 } from '@pb/contracts';
import type { EventBatchItem } from '@pb/messaging';
import { increments } from './training-totals.consumer.js';

const state = {
  enrolmentId: 'p1:t1',
  programmeId: 'p1',
  organiserId: 'k1',
  unitId: 's1',
  unitPath: ['c', 'k1', 's1'],
  teacherId: 't1',
  year: 2027,
  requiredHours: 32,
  hours: 32,
  version: 3,
};
const item = (type: string, data: object, offset = '7') =>
  ({
    data: { ...state, ...data },
    event: { type },
    record: { topic: 'training.records.v1', partition: 2, offset, key: 's1' },
  }) as unknown as EventBatchItem<Parameters<typeof increments>[0]['data']>;

describe('training totals: the counters one event changes', () => {
  it('an attendance adds its hours, and a completion only when this write met the requirement, to the teacher and every unit on the path', () => {
    const rows = increments(
      item(TrainingSessionAttendedV1.type, { sessionIds: ['d5'], hoursAdded: 1, completed: true, completedNow: true }),
    );
    expect(rows.map((r) => r._id)).toEqual(['t:t1:2027', 'u:c:2027', 'u:k1:2027', 'u:s1:2027']);
    for (const r of rows)
      expect(r).toMatchObject({ inc: { hours: 1, completed: 1, enrolments: 0, certified: 0 }, partition: 2, offset: 7 });
    const again = increments(
      item(TrainingSessionAttendedV1.type, { sessionIds: ['d6'], hoursAdded: 2, completed: true, completedNow: false }),
    );
    expect(again[0].inc).toEqual({ hours: 2, completed: 0, enrolments: 0, certified: 0 });
  });

  it('an enrolment and a certification count one each', () => {
    expect(increments(item(TrainingEnrolledV1.type, {}))[1].inc).toEqual({ enrolments: 1, completed: 0, certified: 0, hours: 0 });
    expect(increments(item(TrainingCertifiedV1.type, { certified: true, byException: true }))[3].inc).toEqual({
      enrolments: 0,
      completed: 0,
      certified: 1,
      hours: 0,
    });
  });
});

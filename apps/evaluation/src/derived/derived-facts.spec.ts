import { describe, expect, it } from '@jest/globals';
import { newestTrainingStates, type TrainingEvent } from './derived-facts.writer.js';

const state = (enrolment: string, version: number, hours: number) => ({
  enrolmentId: enrolment,
  programmeId: 'p',
  organiserId: 'k',
  unitId: 's',
  unitPath: ['c', 'k', 's'],
  teacherId: `t-${enrolment}`,
  year: 2027,
  requiredHours: 8,
  hours,
  version,
});
const ev = (
  enrolment: string,
  version: number,
  hours: number,
  certified = false,
  id = `${enrolment}-${version}-${certified}`,
): TrainingEvent => ({
  data: state(enrolment, version, hours),
  eventId: id,
  certified,
});

describe("evaluation's training facts: a run folded into one state per enrolment", () => {
  it('keeps the newest version of each enrolment, and the certification that came with the attendance in the same write (same version)', () => {
    const states = newestTrainingStates([
      ev('a', 1, 0),
      ev('b', 1, 0),
      ev('a', 2, 8),
      ev('a', 2, 8, true), // certified by the rule in the write that brought the hours
      ev('b', 2, 4),
    ]);
    expect(states).toEqual([
      {
        _id: 'a',
        version: 2,
        eventId: 'a-2-true',
        sameVersion: 'apply',
        update: { $set: { unitId: 's', year: 2027, hours: 8, requiredHours: 8, completed: true, certified: true } },
      },
      {
        _id: 'b',
        version: 2,
        eventId: 'b-2-false',
        sameVersion: 'apply',
        update: { $set: { unitId: 's', year: 2027, hours: 4, requiredHours: 8, completed: false } },
      },
    ]);
  });

  it('keeps a certification through later events of the run, and from an older event met after a newer one', () => {
    expect(newestTrainingStates([ev('a', 3, 8, true), ev('a', 4, 10)])[0]).toMatchObject({
      version: 4,
      update: { $set: { hours: 10, certified: true } },
    });
    expect(newestTrainingStates([ev('a', 4, 10), ev('a', 3, 8, true)])[0]).toMatchObject({
      version: 4,
      update: { $set: { hours: 10, certified: true } },
    });
  });
});

import { describe, expect, it } from '@jest/globals';
import { meetsCertification, newAttendance } from './certification.js';

describe('certification (认定)', () => {
  const base = { requiredHours: 32, assessmentMethod: 'exam' as const, assessment: 'passed' as const };

  it('is not met with 31 of 32 hours, even with the assessment passed', () => {
    expect(meetsCertification({ ...base, hours: 31 })).toBe(false);
  });

  it('is met with 32 hours and a passed assessment', () => {
    expect(meetsCertification({ ...base, hours: 32 })).toBe(true);
  });

  it('needs a passed assessment unless the programme has none', () => {
    expect(meetsCertification({ ...base, hours: 40, assessment: null })).toBe(false);
    expect(meetsCertification({ ...base, hours: 40, assessment: 'failed' })).toBe(false);
    expect(meetsCertification({ ...base, hours: 40, assessmentMethod: 'none', assessment: null })).toBe(true);
  });
});

describe('newAttendance', () => {
  it('adds only sessions not recorded yet, each once, and sums their hours', () => {
    const { added, hoursAdded } = newAttendance(
      [{ sessionId: '2027-03-01', hours: 4 }],
      [
        { sessionId: '2027-03-01', hours: 4 },
        { sessionId: '2027-03-02', hours: 3.5 },
        { sessionId: '2027-03-02', hours: 2 },
        { sessionId: '2027-03-03', hours: 1 },
      ],
    );
    expect(added.map((a) => a.sessionId)).toEqual(['2027-03-02', '2027-03-03']);
    expect(hoursAdded).toBe(4.5);
  });
});

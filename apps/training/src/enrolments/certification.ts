import type { Attended, Enrolment } from './enrolment.schema.js';

type Rule = Pick<Enrolment, 'hours' | 'requiredHours' | 'assessmentMethod' | 'assessment'>;

/** Hours meet the requirement (学时达标). */
export const hoursMet = (e: Pick<Enrolment, 'hours' | 'requiredHours'>): boolean => e.hours >= e.requiredHours;

/**
 * 认定 The rule: certified when the recorded hours meet the requirement and the assessment is passed,
 * or the programme has no assessment.
 */
export function meetsCertification(e: Rule): boolean {
  return hoursMet(e) && (e.assessmentMethod === 'none' || e.assessment === 'passed');
}

/**
 * The attendance that is new to an enrolment: sessions not attended yet, once each (the first row of
 * a session wins), and the hours they add. Recording a session again changes nothing.
 */
export function newAttendance(current: readonly Attended[], rows: readonly Attended[]): { added: Attended[]; hoursAdded: number } {
  const seen = new Set(current.map((a) => a.sessionId));
  const added: Attended[] = [];
  for (const row of rows) {
    if (seen.has(row.sessionId)) continue;
    seen.add(row.sessionId);
    added.push(row);
  }
  // Half-hour steps are exact in binary floating point, so sums stay exact.
  return { added, hoursAdded: added.reduce((h, a) => h + a.hours, 0) };
}

import { describe, expect, it } from '@jest/globals';
import { addSpan } from '../common/dates.js';
import { checkMilestones, DEFAULT_RULES, statusOf, violationsOf, type Milestone } from './milestone-check.js';

const full: Milestone[] = [
  { kind: 'application', date: '2019-03-01' },
  { kind: 'first-talk', date: '2019-03-20' },
  { kind: 'activist', date: '2019-06-01' },
  { kind: 'development-target', date: '2020-06-01' },
  { kind: 'political-check', date: '2020-07-01' },
  { kind: 'branch-conference', date: '2020-09-01' },
  { kind: 'probationary-approval', date: '2020-09-15' },
  { kind: 'oath', date: '2020-10-01' },
  { kind: 'full-member-conference', date: '2021-09-01' },
  { kind: 'full-member-approval', date: '2021-09-10' },
];
const rules = (ms: Milestone[], birth = '1990-01-01') => checkMilestones(ms, DEFAULT_RULES, birth, '2026-01-01');

describe('milestone rules', () => {
  it('accepts a procedure that keeps order and intervals; the probationary year may end on its anniversary', () => {
    expect(rules(full)).toEqual([]);
    expect(statusOf(full)).toBe('full');
    expect(statusOf(full.slice(0, 7))).toBe('probationary');
    expect(statusOf(full.slice(0, 2))).toBe('applicant');
  });

  it('names probationary-year for a full-member conference within the year', () => {
    const early = full.map((m) => (m.kind === 'full-member-conference' ? { ...m, date: '2021-08-31' } : m));
    expect(rules(early)).toEqual([
      expect.objectContaining({ rule: 'probationary-year', milestone: 'full-member-conference', related: 'branch-conference' }),
    ]);
  });

  it('checks maximum intervals, order, sequence, age and dates in the future', () => {
    const late = full.map((m) => (m.kind === 'first-talk' ? { ...m, date: '2019-04-02' } : m));
    expect(rules(late).map((v) => v.rule)).toEqual(['first-talk-within-month']);
    const swapped = full.map((m) => (m.kind === 'oath' ? { ...m, date: '2020-09-10' } : m));
    expect(rules(swapped).map((v) => v.rule)).toEqual(['milestone-order']);
    expect(rules([full[0], full[2]]).map((v) => v.rule)).toEqual(['milestone-sequence']);
    expect(rules([full[0]], '2002-03-02').map((v) => v.rule)).toEqual(['min-age-at-application']);
    expect(rules([{ kind: 'application', date: '2026-01-02' }]).map((v) => v.rule)).toEqual(['not-in-future']);
  });

  it('blames a new milestone only for the rules it takes part in', () => {
    const broken = rules([...full.slice(0, 8), { kind: 'full-member-conference', date: '2021-01-01' }]);
    expect(violationsOf('full-member-conference', broken).map((v) => v.rule)).toEqual(['probationary-year']);
    expect(violationsOf('oath', broken)).toEqual([]);
  });

  it('adds calendar spans the way a person counts them', () => {
    expect(addSpan('2024-02-29', { years: 1 })).toBe('2025-02-28');
    expect(addSpan('2025-01-31', { months: 1 })).toBe('2025-02-28');
    expect(addSpan('2024-01-31', { months: 1 })).toBe('2024-02-29');
    expect(addSpan('2025-12-31', { days: 1 })).toBe('2026-01-01');
  });
});

import { describe, expect, it } from '@jest/globals';
import { SHIPPED_SCHEMES } from '../schemes/shipped-schemes.js';
import { checkScheme } from '../schemes/schemes.service.js';
import { explain, explainCounts } from '../derived/derived-facts.service.js';
import { countMembers, countReports, countTraining } from '../derived/derived-facts.writer.js';
import type { ReportFact } from '../derived/facts.schema.js';
import { derivedScore, gradeOf, scoreAssessment } from './scoring.js';

const at = new Date('2031-06-01T00:00:00Z');
const fact = (periodId: string, outcome: ReportFact['outcome']): ReportFact => ({
  _id: `po:${periodId}`,
  partyOrgId: 'po',
  unitId: 's',
  unitPath: ['c', 's'],
  periodId,
  year: 2031,
  dueAt: at,
  outcome,
  submittedAt: outcome === 'on-time' || outcome === 'late' ? at : null,
});

describe('scoring an assessment', () => {
  it('gives a derived indicator max × min(1, rate / fullAt), two decimals, and nothing without data', () => {
    expect(derivedScore({ max: 10, rule: { type: 'derived', metric: 'reporting.on-time-rate' } }, 20 / 24)).toBe(8.33);
    expect(derivedScore({ max: 10, rule: { type: 'derived', metric: 'reporting.on-time-rate', fullAt: 0.8 } }, 20 / 24)).toBe(10);
    expect(derivedScore({ max: 10, rule: { type: 'derived', metric: 'reporting.on-time-rate', fullAt: 0.9 } }, 0.45)).toBe(5);
    expect(derivedScore({ max: 10, rule: { type: 'derived', metric: 'reporting.on-time-rate' } }, null)).toBeNull();
  });

  it('grades by the thresholds, each inclusive', () => {
    const grades = { excellent: 90, good: 80, pass: 60 };
    expect([90, 89.99, 80, 60, 59.99].map((t) => gradeOf(t, grades))).toEqual(['excellent', 'good', 'good', 'pass', 'fail']);
  });

  it('weights the groups: moderated over the bureaus’ mean over nothing; derived from the explanation', () => {
    const scheme = SHIPPED_SCHEMES['five-goods'];
    const facts = [
      ...Array.from({ length: 20 }, (_, i) => fact(`2031-${String(Math.floor(i / 2) + 1).padStart(2, '0')}-H${(i % 2) + 1}`, 'on-time')),
    ];
    facts.push(fact('2031-11-H1', 'missing'), fact('2031-11-H2', 'missing'), fact('2031-12-H1', 'missing'), fact('2031-12-H2', 'late'));
    const derived = explain(facts, [{ flaggedRuleCount: 0 }, { flaggedRuleCount: 2 }], 2031);
    const by = { by: 'acct', at };
    const scored = scoreAssessment(
      scheme,
      {
        self: [{ indicator: 'leadership-responsibility', score: 10, ...by }],
        bureauScores: [
          { bureauId: 'k', indicator: 'leadership-responsibility', score: 6, ...by },
          { bureauId: 'c', indicator: 'leadership-responsibility', score: 9, ...by },
        ],
        moderated: [{ indicator: 'feedback-satisfaction', score: 10, ...by }],
      },
      derived,
    );
    const indicator = (key: string) => scored.groups.flatMap((g) => g.indicators).find((i) => i.key === key)!;
    expect(indicator('leadership-responsibility').score).toBe(7.5);
    expect(indicator('leadership-study').score).toBeNull();
    expect(indicator('reporting-on-time').score).toBe(8.33);
    expect(indicator('reporting-completeness').score).toBe(8.75);
    expect(indicator('member-development').score).toBe(5);
    expect(indicator('member-training').score).toBeNull();
    // leadership 7.5/20 × 20, member 5/20 × 20, mechanism 17.08/20 × 20, performance 0, feedback 10/10 × 15: of 100.
    const expected = Math.round(((7.5 / 20) * 20 + (5 / 20) * 20 + ((8.33 + 8.75) / 20) * 20 + 0 + 1 * 15) * 100) / 100;
    expect(scored.total).toBe(expected);
    expect(scored.grade).toBe('fail');
  });
});

describe('explaining derived metrics', () => {
  it('explains from the tallies what it explains from the facts, without the period list', () => {
    const facts = [fact('2031-01-H1', 'on-time'), fact('2031-02-H2', 'late'), fact('2031-01-H2', 'missing'), fact('2031-03-H1', 'pending')];
    const members = [{ flaggedRuleCount: 0 }, { flaggedRuleCount: 3 }, { flaggedRuleCount: 0 }];
    const training = [{ completed: true, certified: true }, { completed: true }, { completed: false }];
    const fromFacts = explain(facts, members, 2031, training);
    const counts = { reports: countReports(facts), members: countMembers(members), training: countTraining(training) };
    expect(counts).toEqual({
      reports: {
        counts: { expected: 4, due: 3, onTime: 1, late: 1, missing: 1, pending: 1 },
        sourceRange: { from: '2031-01-H1', to: '2031-02-H2' },
      },
      members: { records: 3, withinRules: 2, flagged: 1 },
      training: { enrolments: 3, completed: 2, certified: 1 },
    });
    expect(explainCounts(counts, 2031)).toEqual(fromFacts.map(({ periods: _periods, ...rest }) => rest));
    expect(fromFacts[0].periods!.map((p) => p.periodId)).toEqual(['2031-01-H1', '2031-01-H2', '2031-02-H2', '2031-03-H1']);
  });
});

describe('checking a scheme', () => {
  it('accepts the shipped schemes', () => {
    for (const scheme of Object.values(SHIPPED_SCHEMES)) expect(() => checkScheme(scheme)).not.toThrow();
  });

  it('refuses thresholds out of order and a key used twice, naming each field', () => {
    const scheme = SHIPPED_SCHEMES['four-excellences'];
    const twice = { ...scheme, grades: { excellent: 80, good: 80, pass: 60 }, groups: [scheme.groups[0], scheme.groups[0]] };
    try {
      checkScheme(twice);
      throw new Error('not refused');
    } catch (err) {
      expect((err as { fieldErrors: { pointer: string; rule: string }[] }).fieldErrors.map((e) => [e.pointer, e.rule])).toEqual([
        ['/grades', 'order'],
        ['/groups/1/key', 'unique'],
        ['/groups/1/indicators/0/key', 'unique'],
      ]);
    }
  });
});

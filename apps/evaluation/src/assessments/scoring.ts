import type { Grade, GradeThresholds, Indicator, IndicatorGroup } from '@pb/contracts';
import type { DerivedExplanation } from '../derived/derived-facts.service.js';
import type { Assessment, GivenScore } from './assessment.schema.js';

const round2 = (n: number) => Math.round(n * 100) / 100;

/** A derived indicator's score: max × min(1, rate / fullAt), two decimals; null without data. */
export function derivedScore(indicator: Pick<Indicator, 'max' | 'rule'>, rate: number | null): number | null {
  if (rate === null) return null;
  const fullAt = indicator.rule.fullAt ?? 1;
  return round2(indicator.max * Math.min(1, rate / fullAt));
}

/** 等级 The grade a total earns under a scheme's thresholds. */
export function gradeOf(total: number, grades: GradeThresholds): Grade {
  if (total >= grades.excellent) return 'excellent';
  if (total >= grades.good) return 'good';
  if (total >= grades.pass) return 'pass';
  return 'fail';
}

export interface IndicatorResult {
  key: string;
  name: string;
  max: number;
  rule: Indicator['rule'];
  self?: Omit<GivenScore, 'indicator'>;
  bureaus: (Omit<GivenScore, 'indicator'> & { bureauId: string })[];
  moderated?: Omit<GivenScore, 'indicator'>;
  derived?: DerivedExplanation;
  /** The score in force: moderated, else the mean of the bureaus' scores, else (derived) the formula's; null when none. */
  score: number | null;
}

export interface Scored {
  groups: { key: string; name: string; weight: number; score: number; indicators: IndicatorResult[] }[];
  total: number;
  grade: Grade;
}

const withoutIndicator = ({ indicator: _i, ...rest }: GivenScore) => rest;

/**
 * The assessment's scores under its scheme: each indicator's score in force, each group's share of its
 * maximum (0-1), the weighted total (0-100, two decimals) and its grade. Unscored indicators count 0.
 */
export function scoreAssessment(
  scheme: { groups: IndicatorGroup[]; grades: GradeThresholds },
  doc: Pick<Assessment, 'self' | 'bureauScores' | 'moderated'>,
  derived: DerivedExplanation[],
): Scored {
  const byMetric = new Map(derived.map((d) => [d.metric, d]));
  const last = (list: GivenScore[], key: string) => list.filter((s) => s.indicator === key).at(-1);
  const groups = scheme.groups.map((g) => {
    const indicators = g.indicators.map((ind): IndicatorResult => {
      const self = last(doc.self, ind.key);
      const moderated = last(doc.moderated, ind.key);
      const bureaus = [...new Set(doc.bureauScores.map((b) => b.bureauId))]
        .map((bureauId) => doc.bureauScores.filter((b) => b.bureauId === bureauId && b.indicator === ind.key).at(-1))
        .filter((b) => b !== undefined)
        .map((b) => ({ ...withoutIndicator(b), bureauId: b.bureauId }));
      const explanation = ind.rule.type === 'derived' && ind.rule.metric ? byMetric.get(ind.rule.metric) : undefined;
      const given = moderated?.score ?? (bureaus.length ? round2(bureaus.reduce((t, b) => t + b.score, 0) / bureaus.length) : null);
      const score = ind.rule.type === 'derived' ? (moderated?.score ?? derivedScore(ind, explanation?.rate ?? null)) : given;
      return {
        key: ind.key,
        name: ind.name,
        max: ind.max,
        rule: ind.rule,
        ...(self ? { self: withoutIndicator(self) } : {}),
        bureaus,
        ...(moderated ? { moderated: withoutIndicator(moderated) } : {}),
        ...(explanation ? { derived: explanation } : {}),
        score,
      };
    });
    const max = indicators.reduce((t, i) => t + i.max, 0);
    const got = indicators.reduce((t, i) => t + (i.score ?? 0), 0);
    return { key: g.key, name: g.name, weight: g.weight, score: max === 0 ? 0 : got / max, indicators };
  });
  const weights = groups.reduce((t, g) => t + g.weight, 0);
  const total = round2(weights === 0 ? 0 : (groups.reduce((t, g) => t + g.weight * g.score, 0) / weights) * 100);
  return { groups, total, grade: gradeOf(total, scheme.grades) };
}

import type { Bilingual } from '@pb/platform';

/** One age band of the age-tier report (年龄梯次): ages `from`..`to` inclusive, open at either end. */
export interface AgeBand {
  id: string;
  from: number | null;
  to: number | null;
  label: Bilingual;
}

/** The bands the boundaries make: [35, 45, 55] gives under-35, 35-44, 45-54, 55-plus. */
export function ageBands(boundaries: readonly number[]): AgeBand[] {
  if (boundaries.length === 0) return [{ id: 'all', from: null, to: null, label: { zh: '全部年龄', en: 'all ages' } }];
  const bands: AgeBand[] = [
    {
      id: `under-${boundaries[0]}`,
      from: null,
      to: boundaries[0] - 1,
      label: { zh: `${boundaries[0]}岁以下`, en: `under ${boundaries[0]}` },
    },
  ];
  for (let i = 0; i + 1 < boundaries.length; i++) {
    const from = boundaries[i];
    const to = boundaries[i + 1] - 1;
    bands.push({ id: `${from}-${to}`, from, to, label: { zh: `${from}至${to}岁`, en: `${from} to ${to}` } });
  }
  const last = boundaries.at(-1)!;
  bands.push({ id: `${last}-plus`, from: last, to: null, label: { zh: `${last}岁及以上`, en: `${last} and over` } });
  return bands;
}

/** The band of an age. */
export function bandOf(bands: readonly AgeBand[], age: number): AgeBand {
  return bands.find((b) => (b.from === null || age >= b.from) && (b.to === null || age <= b.to)) ?? bands.at(-1)!;
}

export interface AgeTierReport {
  unitId: string;
  year: number;
  teamSize: number;
  bands: (AgeBand & { count: number })[];
  required: string[];
  missing: string[];
  flagged: boolean;
}

/**
 * 年龄梯次配备 The age tiers of one team: members counted by band, age being the year in the city
 * minus the birth year (the age a person reaches this year: the roster keeps birth years, not dates),
 * and the required bands nobody is in. An empty team lacks every required band.
 */
export function ageTierReport(
  unitId: string,
  birthYears: readonly number[],
  year: number,
  bands: readonly AgeBand[],
  required: readonly string[],
): AgeTierReport {
  const counts = new Map<string, number>(bands.map((b) => [b.id, 0]));
  for (const birthYear of birthYears) {
    const band = bandOf(bands, year - birthYear);
    counts.set(band.id, (counts.get(band.id) ?? 0) + 1);
  }
  const missing = required.filter((id) => (counts.get(id) ?? 0) === 0);
  return {
    unitId,
    year,
    teamSize: birthYears.length,
    bands: bands.map((b) => ({ ...b, count: counts.get(b.id) ?? 0 })),
    required: [...required],
    missing,
    flagged: missing.length > 0,
  };
}

import { describe, expect, it } from '@jest/globals';
import { ageBands, ageTierReport } from './age-tiers.js';

describe('age tiers (年龄梯次配备)', () => {
  const bands = ageBands([35, 45, 55]);

  it('makes the bands from their boundaries, open at both ends', () => {
    expect(bands.map((b) => [b.id, b.from, b.to])).toEqual([
      ['under-35', null, 34],
      ['35-44', 35, 44],
      ['45-54', 45, 54],
      ['55-plus', 55, null],
    ]);
  });

  it('counts each member in the band of the age reached this year, the boundary ages in the upper band', () => {
    // In 2026: born 1991 -> 35, 1992 -> 34, 1981 -> 45, 1971 -> 55, 1982 -> 44.
    const report = ageTierReport('s1', [1991, 1992, 1981, 1971, 1982], 2026, bands, ['35-44', '45-54']);
    expect(report.bands.map((b) => [b.id, b.count])).toEqual([
      ['under-35', 1],
      ['35-44', 2],
      ['45-54', 1],
      ['55-plus', 1],
    ]);
    expect(report).toMatchObject({ teamSize: 5, missing: [], flagged: false });
  });

  it('flags a team that lacks a required band, naming the band', () => {
    const report = ageTierReport('s1', [1970, 1968, 1995], 2026, bands, ['35-44', '45-54']);
    expect(report.missing).toEqual(['35-44', '45-54']);
    expect(report.flagged).toBe(true);
  });

  it('flags an empty team for every required band, and none when the city requires none', () => {
    expect(ageTierReport('s1', [], 2026, bands, ['35-44']).missing).toEqual(['35-44']);
    expect(ageTierReport('s1', [], 2026, bands, []).flagged).toBe(false);
  });
});

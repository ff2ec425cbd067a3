import { describe, expect, it } from '@jest/globals';
import { rewrittenPath, startsWith } from '../org-units/tree.js';
import { affiliationAfterMove, candidateSupervisors, defaultSupervisor, reviewersFor, type BureauOnPath } from './routing.js';

const bureaus: BureauOnPath[] = [
  { id: 'city', kind: 'city-bureau' },
  { id: 'a', kind: 'county-bureau' },
  { id: 'b', kind: 'county-bureau' },
];

describe('affiliation and routing', () => {
  it('defaults to the nearest bureau above: the county, or the city for a city-direct school', () => {
    expect(defaultSupervisor(['city', 'a', 's'], bureaus)).toBe('a');
    expect(defaultSupervisor(['city', 's'], bureaus)).toBe('city');
    expect(defaultSupervisor(['city', 'a', 'group', 's'], bureaus)).toBe('a');
    expect(defaultSupervisor(['city', 'a'], bureaus)).toBe('city');
    expect(defaultSupervisor(['city'], bureaus)).toBe('city');
    expect(candidateSupervisors(['city', 'a', 's'], bureaus).map((b) => b.id)).toEqual(['city', 'a']);
  });

  it('routes single to the supervisor, both-levels to county then city', () => {
    expect(reviewersFor('single', 'a', ['city', 'a', 's'], bureaus)).toEqual(['a']);
    expect(reviewersFor('both-levels', 'a', ['city', 'a', 's'], bureaus)).toEqual(['a', 'city']);
    expect(reviewersFor('both-levels', 'city', ['city', 'a', 's'], bureaus)).toEqual(['a', 'city']);
    expect(reviewersFor('both-levels', 'city', ['city', 's'], bureaus)).toEqual(['city']);
  });

  it('follows a move to the new county unless the supervisor is still above', () => {
    expect(affiliationAfterMove({ supervisorId: 'a', routing: 'single' }, ['city', 'b', 's'], bureaus)).toEqual({
      supervisorId: 'b',
      reviewerIds: ['b'],
    });
    expect(affiliationAfterMove({ supervisorId: 'city', routing: 'both-levels' }, ['city', 'b', 's'], bureaus)).toEqual({
      supervisorId: 'city',
      reviewerIds: ['b', 'city'],
    });
  });

  it('rewrites a descendant path after its ancestor moved', () => {
    expect(rewrittenPath(['city', 'a', 'g', 's'], 'g', ['city', 'b', 'g'])).toEqual(['city', 'b', 'g', 's']);
    expect(startsWith(['city', 'b', 'g', 's'], ['city', 'b', 'g'])).toBe(true);
    expect(startsWith(['city', 'a', 'g', 's'], ['city', 'b', 'g'])).toBe(false);
  });
});

import { describe, expect, it } from '@jest/globals';
import { PROBLEM_TYPES, problemTypeUrl, type ProblemTypeName } from '@pb/contracts';
import { isProblem, problem, ProblemException } from './problem.js';

describe('problem constructors', () => {
  it('take status, URL and title from the catalogue, detail and errors from the call site', () => {
    for (const name of Object.keys(PROBLEM_TYPES) as ProblemTypeName[]) {
      const detail = { zh: '细节', en: 'detail' };
      const errors = [{ pointer: '/x', rule: 'r', message: detail }];
      const p = problem[name](detail, errors, { 'retry-after': '1' });
      expect(p).toBeInstanceOf(ProblemException);
      expect(p.getStatus()).toBe(PROBLEM_TYPES[name].status);
      expect(p.problemType).toBe(problemTypeUrl(name));
      expect(p.title).toEqual(PROBLEM_TYPES[name].title);
      expect(p.detail).toEqual(detail);
      expect(p.fieldErrors).toEqual(errors);
      expect(p.headers).toEqual({ 'retry-after': '1' });
    }
  });

  it('recognise a problem by its type', () => {
    expect(isProblem(problem.stale(), 'stale')).toBe(true);
    expect(isProblem(problem.conflict(), 'stale')).toBe(false);
    expect(isProblem(new Error('stale'), 'stale')).toBe(false);
  });
});

import { describe, expect, it } from '@jest/globals';
import { ProblemSchema } from './common.js';
import { PROBLEM_TYPE_BASE, PROBLEM_TYPE_URLS, PROBLEM_TYPES, problemTypeUrl, type ProblemTypeName } from './problem-types.js';

const names = Object.keys(PROBLEM_TYPES) as ProblemTypeName[];
const HAN = /[\u3400-\u9fff]/;

describe('problem type catalogue', () => {
  it('gives every type its own URL under the base', () => {
    const urls = names.map(problemTypeUrl);
    expect(new Set(urls).size).toBe(names.length);
    for (const url of urls) expect(url).toMatch(new RegExp(`^${PROBLEM_TYPE_BASE}/[a-z][a-z-]*[a-z]$`));
  });

  it('gives every type an error status and a title in Chinese and in English', () => {
    for (const name of names) {
      const { status, title } = PROBLEM_TYPES[name];
      expect(Number.isInteger(status) && status >= 400 && status <= 599).toBe(true);
      expect(title.zh).toMatch(HAN);
      expect(title.en.length).toBeGreaterThan(2);
      expect(title.en).not.toMatch(HAN);
    }
  });

  it('is the list the OpenAPI Problem schema allows as type', () => {
    expect(ProblemSchema.properties.type.enum).toEqual([...PROBLEM_TYPE_URLS, 'about:blank']);
  });
});

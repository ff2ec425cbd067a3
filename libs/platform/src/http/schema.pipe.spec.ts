import { describe, expect, it } from '@jest/globals';
import { preferredLanguage, ProblemException } from './problem.js';
import { SchemaPipe } from './schema.pipe.js';

const pipe = new SchemaPipe<{ code: string }>({
  type: 'object',
  additionalProperties: false,
  required: ['code', 'kind'],
  properties: { code: { type: 'string', pattern: '^[A-Z]+$' }, kind: { enum: ['school', 'unit'] } },
});

describe('SchemaPipe', () => {
  it('passes a valid body through', () => {
    expect(pipe.transform({ code: 'ABC', kind: 'school' })).toEqual({ code: 'ABC', kind: 'school' });
  });

  it('answers 400 naming every invalid field by JSON pointer, its rule and a message in both languages', () => {
    let caught: unknown;
    try {
      pipe.transform({ code: 'abc', extra: 1 });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ProblemException);
    const problem = caught as ProblemException;
    expect(problem.getStatus()).toBe(400);
    expect(problem.fieldErrors.map((e) => [e.pointer, e.rule]).sort()).toEqual(
      [
        ['/code', 'pattern'],
        ['/extra', 'additionalProperties'],
        ['/kind', 'required'],
      ].sort(),
    );
    for (const e of problem.fieldErrors) {
      expect(e.message.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(e.message.en).toMatch(/[a-z]/);
    }
  });
});

describe('preferredLanguage', () => {
  it.each([
    [undefined, 'zh'],
    ['en-GB,en;q=0.9', 'en'],
    ['zh-Hant-TW', 'zh'],
    ['fr-FR, en;q=0.5', 'en'],
    ['de', 'zh'],
  ])('%s -> %s', (header, lang) => {
    expect(preferredLanguage(header)).toBe(lang);
  });
});

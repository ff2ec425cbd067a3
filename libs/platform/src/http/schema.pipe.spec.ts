import { describe, expect, it } from '@jest/globals';
import { pageQueryProperties, RecordMilestoneSchema, RegisterMemberSchema } from '@pb/contracts';
import { preferredLanguage, ProblemException } from './problem.js';
import { latestToday, QueryPipe, SchemaPipe } from './schema.pipe.js';

/** The pointers and rules a pipe refuses a value with; [] when it passes. */
function refusal(p: SchemaPipe<unknown>, value: unknown): [string, string][] {
  try {
    p.transform(value);
    return [];
  } catch (err) {
    return (err as ProblemException).fieldErrors.map((e) => [e.pointer, e.rule]);
  }
}

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

describe('dates of the API', () => {
  const member = new SchemaPipe(RegisterMemberSchema);
  const milestone = new SchemaPipe(RecordMilestoneSchema);
  const register = (birthDate: string, date = '2020-05-01') => ({
    person: { name: '张三', gender: 'female', birthDate },
    milestones: [{ kind: 'application', date }],
  });

  it('takes a birth date from 1900 up to today and other dates within 1900..2099', () => {
    expect(refusal(member, register('1990-02-28'))).toEqual([]);
    expect(refusal(member, register(latestToday()))).toEqual([]);
    expect(refusal(milestone, { kind: 'application', date: '2099-12-31' })).toEqual([]);
  });

  it('refuses a birth date in 6703, after today or before 1900, and a milestone in 8703', () => {
    const tomorrow = latestToday(Date.now() + 86_400_000);
    expect(refusal(member, register('6703-01-01'))).toContainEqual(['/person/birthDate', 'pattern']);
    expect(refusal(member, register(tomorrow))).toEqual([['/person/birthDate', 'x-not-after-today']]);
    expect(refusal(member, register('1899-12-31'))).toContainEqual(['/person/birthDate', 'pattern']);
    expect(refusal(member, register('1990-01-01', '8703-01-01'))).toContainEqual(['/milestones/0/date', 'pattern']);
  });
});

describe('QueryPipe', () => {
  const query = new QueryPipe<{ limit: number }>({ type: 'object', additionalProperties: false, properties: { ...pageQueryProperties } });

  it('coerces a decimal limit and fills in the default', () => {
    expect(query.transform({ limit: '7' })).toEqual({ limit: 7 });
    expect(query.transform({})).toEqual({ limit: 20 });
  });

  it.each(['-1', '0', 'abc', '10.5', '1e3', '1e1', '0x10', ' 5', ''])('refuses limit=%p naming /limit', (limit) => {
    expect(refusal(query, { limit })).toEqual([['/limit', expect.any(String)]]);
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

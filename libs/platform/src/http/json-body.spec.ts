import { describe, expect, it } from '@jest/globals';
import { MAX_JSON_DEPTH } from '@pb/contracts';
import { nestingDepth, parseJsonBody } from './json-body.js';
import type { ProblemException } from './problem.js';

const nested = (depth: number) => Buffer.from(`${'['.repeat(depth)}${']'.repeat(depth)}`);

/** Status and rule a body is refused with; undefined when it parses. */
function refusal(contentType: string, body: Buffer): [number, string | undefined] | undefined {
  try {
    parseJsonBody(contentType, body);
    return undefined;
  } catch (err) {
    const problem = err as ProblemException;
    return [problem.getStatus(), problem.fieldErrors[0]?.rule];
  }
}

describe('JSON bodies', () => {
  it('parses UTF-8 JSON, with or without charset=utf-8', () => {
    expect(parseJsonBody('application/json', Buffer.from('{"name":"第一中学"}'))).toEqual({ name: '第一中学' });
    expect(parseJsonBody('application/json; charset=UTF-8', Buffer.from('{"a":[1]}'))).toEqual({ a: [1] });
  });

  it(`refuses nesting deeper than ${MAX_JSON_DEPTH} with 400 maxDepth, before parsing (5,000 deep included)`, () => {
    expect(parseJsonBody('application/json', nested(MAX_JSON_DEPTH))).toBeDefined();
    expect(refusal('application/json', nested(MAX_JSON_DEPTH + 1))).toEqual([400, 'maxDepth']);
    expect(refusal('application/json', Buffer.from(`{"a":${'['.repeat(5000)}`))).toEqual([400, 'maxDepth']);
  });

  it('counts brackets inside strings and after escaped quotes as text', () => {
    expect(nestingDepth(Buffer.from(`{"a":"${'['.repeat(100)}\\"[[","b":[{}]}`))).toBe(3);
  });

  it('refuses a body that is not UTF-8 with 400, and a charset other than utf-8 with 415', () => {
    expect(refusal('application/json', Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]))).toEqual([
      400,
      'encoding',
    ]);
    expect(refusal('application/json; charset=latin1', Buffer.from('{"n":"x"}'))).toEqual([415, undefined]);
    expect(refusal('application/json; charset="iso-8859-1"', Buffer.from('{"n":"x"}'))).toEqual([415, undefined]);
  });

  it('refuses malformed JSON, an empty body and prototype keys with 400', () => {
    expect(refusal('application/json', Buffer.from('{"a":'))).toEqual([400, 'json']);
    expect(refusal('application/json', Buffer.alloc(0))).toEqual([400, 'json']);
    expect(refusal('application/json', Buffer.from('{"__proto__":{"isAdmin":true}}'))).toEqual([400, 'json']);
    expect(refusal('application/json', Buffer.from('{"constructor":{"prototype":{}}}'))).toEqual([400, 'json']);
    expect(parseJsonBody('application/json', Buffer.from('{"constructor":"x"}'))).toEqual({ constructor: 'x' });
  });
});

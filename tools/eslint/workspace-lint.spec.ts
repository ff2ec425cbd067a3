import { describe, expect, it } from '@jest/globals';
import { ESLint } from 'eslint';

describe('eslint on the whole workspace', () => {
  it('reports no error (type-checked rules, module boundaries, prettier compatibility)', async () => {
    const eslint = new ESLint({ cwd: process.cwd() });
    const results = await eslint.lintFiles(['.']);
    const errors = results.flatMap((r) =>
      r.messages.filter((m) => m.severity === 2).map((m) => `${r.filePath}:${m.line}:${m.column} ${m.ruleId ?? ''} ${m.message}`),
    );
    expect(errors).toEqual([]);
  }, 240_000);
});

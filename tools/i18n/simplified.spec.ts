import { describe, expect, it } from '@jest/globals';
import { findTraditional, toSimplified, trackedTextFiles } from './simplified.mjs';

// Users read Simplified Chinese (zh-Hans) first: every Chinese text the project holds (messages,
// notice templates, e-mails, API descriptions, demo names, README and docs) passes OpenCC's
// Traditional -> mainland conversion unchanged.
describe('Simplified Chinese everywhere a user reads Chinese', () => {
  it('converts Traditional-only characters with OpenCC (the check is not a no-op)', () => {
    expect(toSimplified('半月記實表 請求過於頻繁 黨組織')).toBe('半月记实表 请求过于频繁 党组织');
    expect(toSimplified('半月记实表 English stays')).toBe('半月记实表 English stays');
  });

  it('reads the source, docs and README', () => {
    const files = trackedTextFiles();
    expect(files).toEqual(expect.arrayContaining(['README.md', 'libs/platform/src/http/problem.ts']));
  });

  it('finds no Traditional-only character in any tracked text file (fix: node tools/i18n/simplified.mjs --write)', () => {
    const found = findTraditional().map((f) => `${f.file}:${f.line}: ${f.text} -> ${f.simplified}`);
    expect(found).toEqual([]);
  });
});

import { describe, expect, it } from '@jest/globals';
import { findTraditional, toSimplified, trackedTextFiles } from './simplified.mjs';

// Users read Simplified Chinese (zh-Hans) first: every Chinese text the project holds (messages,
// notice templates, e-mails, API descriptions, demo names, README and docs) passes OpenCC's
// Traditional -> mainland conversion unchanged.
describe('Simplified Chinese everywhere a user reads Chinese', () => {
  it('converts Traditional-only characters with OpenCC (the check is not a no-op)', () => {
    // The Traditional sample is written as escapes, so this file itself passes the check below.
    expect(toSimplified('\u534a\u6708\u8a18\u5be6\u8868 \u8acb\u6c42\u904e\u65bc\u983b\u7e41 \u9ee8\u7d44\u7e54')).toBe(
      '半月记实表 请求过于频繁 党组织',
    );
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

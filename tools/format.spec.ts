import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';

// `npm run format:check` as part of `npm test`: Prettier passes over the whole tree (.prettierignore
// names what it leaves alone). Fix with `npm run format`.
describe('prettier on the whole tree', () => {
  it('finds every file formatted', () => {
    const prettier = path.join(process.cwd(), 'node_modules', 'prettier', 'bin', 'prettier.cjs');
    const run = spawnSync(process.execPath, [prettier, '--list-different', '.'], { cwd: process.cwd(), encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout.split('\n').filter(Boolean)).toEqual([]);
  }, 120_000);
});

#!/usr/bin/env node
// Runs one jest tier in native ESM mode: `node tools/scripts/jest.mjs <unit|integration|e2e> [jest args]`.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ensureNode24, ROOT } from './node24.mjs';

ensureNode24(new URL(import.meta.url).pathname);

export const TIERS = ['unit', 'integration', 'e2e'];

export function runJest(tier, args = [], { outputFile, env = process.env } = {}) {
  const jest = path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
  const argv = ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning', jest, '-c', `jest.${tier}.config.mjs`, '--ci'];
  if (outputFile) argv.push('--json', `--outputFile=${outputFile}`);
  // A tier's files share its one broker and store; they run one at a time on two cores.
  if (tier !== 'unit') argv.push('--runInBand');
  argv.push(...args);
  return spawnSync(process.execPath, argv, { cwd: ROOT, stdio: 'inherit', env });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [tier, ...rest] = process.argv.slice(2);
  if (!TIERS.includes(tier)) {
    process.stderr.write(`usage: node tools/scripts/jest.mjs <${TIERS.join('|')}> [jest args]\n`);
    process.exit(2);
  }
  process.exit(runJest(tier, rest).status ?? 1);
}

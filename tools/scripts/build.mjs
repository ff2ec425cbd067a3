import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './node24.mjs';

const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

function runTsc(args, quiet) {
  const r = spawnSync(process.execPath, [tsc, ...args], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) {
    if (!quiet) process.stderr.write(r.stdout + r.stderr);
    return { ok: false, output: r.stdout + r.stderr };
  }
  return { ok: true, output: '' };
}

/** Incremental TypeScript build of every lib and app (tsc -b over the project references). */
export function build({ quiet = false } = {}) {
  return runTsc(['-b', 'tsconfig.build.json'], quiet);
}

/**
 * Type-checks the whole workspace as the editor sees it (tsconfig.json): the builds above leave out
 * specs, test support, e2e and benchmarks, which jest and the benchmarks run without checking types.
 */
export function typecheck({ quiet = false } = {}) {
  return runTsc(['-p', 'tsconfig.json', '--noEmit'], quiet);
}

import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './node24.mjs';

/** Incremental TypeScript build of every lib and app (tsc -b over the project references). */
export function build({ quiet = false } = {}) {
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-b', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) {
    if (!quiet) process.stderr.write(r.stdout + r.stderr);
    return { ok: false, output: r.stdout + r.stderr };
  }
  return { ok: true, output: '' };
}

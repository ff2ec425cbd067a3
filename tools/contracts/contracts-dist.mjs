// The event contracts as the scripts see them: libs/contracts built with tsc (incremental), then
// imported from its dist, so the scripts read the same TypeScript source as the services and tests.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../scripts/node24.mjs';

export const RELEASED_DIR = path.join(ROOT, 'libs', 'contracts', 'released');

export async function loadContracts() {
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const built = spawnSync(process.execPath, [tsc, '-b', 'libs/contracts/tsconfig.lib.json'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (built.status !== 0) throw new Error('the build of libs/contracts failed (output above)');
  const dist = (file) => import(pathToFileURL(path.join(ROOT, 'libs', 'contracts', 'dist', file)).href);
  const [contracts, compat, asyncapi] = await Promise.all([dist('index.js'), dist('compat/compat.js'), dist('asyncapi/asyncapi.js')]);
  const { version } = JSON.parse(readFileSync(path.join(ROOT, 'libs', 'contracts', 'package.json'), 'utf8'));
  return { ...contracts, ...compat, ...asyncapi, version };
}

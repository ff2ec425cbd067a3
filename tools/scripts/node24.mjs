// Runs on the machine's Node (20 on these machines) before the project's own Node 24 exists:
// installs dependencies when missing, then re-runs the calling script on node_modules/.bin/node.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const NODE24 = path.join(ROOT, 'node_modules', '.bin', 'node');
export const REQUIRED_MAJOR = 24;

function major() {
  return Number(process.versions.node.split('.')[0]);
}

function installDependencies() {
  const lock = existsSync(path.join(ROOT, 'package-lock.json'));
  const args = lock ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund'];
  process.stderr.write(`dependencies missing: running npm ${args[0]} (first run only)\n`);
  const r = spawnSync('npm', args, { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write(`npm ${args[0]} failed (exit ${r.status}); see the output above\n`);
    process.exit(1);
  }
}

/** Makes sure the current script runs on Node 24 with dependencies installed; may re-exec. */
export function ensureNode24(script) {
  const installed = existsSync(path.join(ROOT, 'node_modules', '.package-lock.json')) && existsSync(NODE24);
  if (!installed) installDependencies();
  if (major() === REQUIRED_MAJOR) return;
  if (!existsSync(NODE24)) {
    process.stderr.write(
      `Node ${REQUIRED_MAJOR} is required (found ${process.versions.node}) and node_modules/.bin/node is missing; run npm install\n`,
    );
    process.exit(1);
  }
  const r = spawnSync(NODE24, [script, ...process.argv.slice(2)], { stdio: 'inherit', cwd: process.cwd() });
  process.exit(r.status ?? 1);
}

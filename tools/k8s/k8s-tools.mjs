#!/usr/bin/env node
// The chart checks' two Go programs, built into .local/bin from the Go module in tools/k8s (versions
// and checksums pinned by its go.mod and go.sum, fetched from the Go module proxy like FerretDB,
// deploy/local/ferretdb.mjs): `helm` (the module's `tool`, Helm v4) and `k8s-validate` (validate/:
// strict decode against k8s.io/api plus the platform's policy). Each is built again only when its
// inputs change (hash beside the binary), so a warm run costs nothing.
//
//   node tools/k8s/k8s-tools.mjs            # builds what is missing, prints the two paths
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { lastLine, readQuiet, rmQuiet, runToLog, sha256 } from '../../deploy/local/processes.mjs';
import { PATHS, rel } from '../../deploy/local/settings.mjs';

const MODULE = path.dirname(fileURLToPath(import.meta.url));
const BIN = path.join(PATHS.local, 'bin');

/** Helm keeps its caches and config under .local/helm, never in the user's home. */
export const helmEnv = {
  HELM_CACHE_HOME: path.join(PATHS.local, 'helm', 'cache'),
  HELM_CONFIG_HOME: path.join(PATHS.local, 'helm', 'config'),
  HELM_DATA_HOME: path.join(PATHS.local, 'helm', 'data'),
};

const TOOLS = {
  helm: { pkg: 'helm.sh/helm/v4/cmd/helm', sources: [] },
  'k8s-validate': {
    pkg: './validate',
    sources: fs
      .readdirSync(path.join(MODULE, 'validate'))
      .filter((f) => f.endsWith('.go'))
      .sort()
      .map((f) => path.join(MODULE, 'validate', f)),
  },
};

async function ensureTool(name, log) {
  const { pkg, sources } = TOOLS[name];
  const bin = path.join(BIN, name);
  const hash = sha256([path.join(MODULE, 'go.mod'), path.join(MODULE, 'go.sum'), ...sources]);
  const hashFile = `${bin}.sha256`;
  if (fs.existsSync(bin) && readQuiet(hashFile)?.trim() === hash) return bin;
  const go = spawnSync('go', ['version'], { encoding: 'utf8', timeout: 60_000 });
  if (go.error && go.error.code === 'ENOENT') throw new Error(`go not found on PATH: install Go 1.26+ (it builds ${name} into .local/bin)`);
  fs.mkdirSync(BIN, { recursive: true });
  const tmp = `${bin}.tmp-${process.pid}`;
  const buildLog = path.join(PATHS.logs, `${name}-build.log`);
  log(`${name}: building ${rel(bin)} with go (first run only, minutes with an empty Go cache; log: ${rel(buildLog)})`);
  const code = await runToLog('go', ['build', '-trimpath', '-o', tmp, pkg], { cwd: MODULE, logFile: buildLog });
  if (code !== 0) {
    rmQuiet(tmp);
    throw new Error(`${name}: go build failed (exit ${code}): ${lastLine(readQuiet(buildLog) || '')}; read ${rel(buildLog)}`);
  }
  fs.renameSync(tmp, bin);
  fs.writeFileSync(hashFile, `${hash}\n`);
  return bin;
}

/** Paths of `helm` and `k8s-validate`, built first when missing or out of date. */
export async function ensureK8sTools({ log = (m) => process.stderr.write(`${m}\n`) } = {}) {
  // One after the other: two Go builds at once only fight over two cores.
  const helm = await ensureTool('helm', log);
  const validate = await ensureTool('k8s-validate', log);
  return { helm, validate };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  ensureK8sTools().then(
    (paths) => process.stdout.write(`${JSON.stringify(paths)}\n`),
    (err) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}

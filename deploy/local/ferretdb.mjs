// The store: FerretDB 1.24 embedded in the Go program ferretdb/ (SQLite backend, behind the
// proxy in ferretdb/atomic_proxy.go), built with `go` into .local/bin once, and again when a
// source or patch changes, with ferretdb/patches.json applied to a copy of the FerretDB module;
// and its health probe. Node built-ins at load time; the probe loads the MongoDB driver when it
// first finds something listening (see infra.mjs).

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { lastLine, portOpen, readQuiet, rmQuiet, runToLog, sha256 } from './processes.mjs';
import { HOST, PATHS, noop, ports, rel } from './settings.mjs';

/** The store as processes.mjs starts and stops it. */
export const ferretdbService = {
  name: 'ferretdb',
  what: 'MongoDB-compatible server',
  portEnv: 'LOCAL_MONGO_PORT',
  port: () => ports().mongo,
  extraPorts: () => [],
  cmdMatch: PATHS.ferretBin,
  get log() {
    return path.join(PATHS.logs, 'ferretdb.log');
  },
  get pidFile() {
    return path.join(PATHS.run, 'ferretdb.pid');
  },
  defaultReadyMs: 30_000,
  probe: (port) => probeMongo(HOST, port),
  prepare: prepareFerretDB,
};

async function prepareFerretDB({ log, port }) {
  await ensureFerretBinary(log);
  fs.mkdirSync(PATHS.ferretData, { recursive: true });
  return {
    cmd: PATHS.ferretBin,
    args: ['-listen-addr', `${HOST}:${port}`, '-data-dir', PATHS.ferretData],
    // Go's collector at its default (GOGC=100) took a large share of the store's CPU under a burst
    // of whole-document rewrites; 400 lets the heap grow to five times what is live (ADR 0003). A
    // GOGC or GOMEMLIMIT in the environment wins.
    env: {
      FERRETDB_TELEMETRY: 'disable',
      DO_NOT_TRACK: '1',
      GOGC: process.env.GOGC ?? '400',
      GOMEMLIMIT: process.env.GOMEMLIMIT ?? '2GiB',
    },
  };
}

/** Builds .local/bin/ferretdb unless it was built from the same sources and patches (hash beside it). */
async function ensureFerretBinary(log) {
  const goFiles = fs
    .readdirSync(PATHS.ferretSrc)
    .filter((f) => f.endsWith('.go'))
    .sort();
  const sources = [...goFiles, 'go.mod', 'go.sum', 'patches.json'].map((f) => path.join(PATHS.ferretSrc, f));
  const hash = sha256(sources);
  const hashFile = `${PATHS.ferretBin}.sha256`;
  if (fs.existsSync(PATHS.ferretBin) && readQuiet(hashFile)?.trim() === hash) return;

  const go = spawnSync('go', ['version'], { encoding: 'utf8', timeout: 60_000 });
  if (go.error && go.error.code === 'ENOENT') {
    throw new Error('go not found on PATH: install Go 1.24+ (needed to build the local FerretDB into .local/bin), or set MONGODB_URI');
  }
  fs.mkdirSync(path.dirname(PATHS.ferretBin), { recursive: true });
  const tmp = `${PATHS.ferretBin}.tmp-${process.pid}`;
  const buildLog = path.join(PATHS.logs, 'ferretdb-build.log');
  log(`ferretdb: building ${rel(PATHS.ferretBin)} with go (first start only, ~1 min; log: ${rel(buildLog)})`);
  const modfile = patchedFerretModfile(path.join(PATHS.local, 'build', 'ferretdb-patched'));
  const code = await runToLog('go', ['build', '-trimpath', `-modfile=${modfile}`, '-o', tmp, '.'], {
    cwd: PATHS.ferretSrc,
    logFile: buildLog,
  });
  if (code !== 0) {
    rmQuiet(tmp);
    throw new Error(`ferretdb: go build failed (exit ${code}): ${lastLine(readQuiet(buildLog) || '')}; read ${rel(buildLog)}`);
  }
  fs.renameSync(tmp, PATHS.ferretBin);
  fs.writeFileSync(hashFile, `${hash}\n`);
}

/**
 * Copies the FerretDB module into `dir`, applies ferretdb/patches.json to the copy, and writes a
 * go.mod that replaces the module with it (`go build -modfile`; Go refuses `-overlay` for files in
 * the module cache). Returns that go.mod's path. A patch whose text does not occur exactly as often as it says fails
 * the build (the module changed: review the patch).
 */
function patchedFerretModfile(dir) {
  const spec = JSON.parse(fs.readFileSync(path.join(PATHS.ferretSrc, 'patches.json'), 'utf8'));
  // Downloads the module if needed (the version go.mod requires) and says where it is.
  const dl = spawnSync('go', ['mod', 'download', '-json', spec.module], { cwd: PATHS.ferretSrc, encoding: 'utf8', timeout: 600_000 });
  let moduleDir;
  try {
    moduleDir = JSON.parse(dl.stdout).Dir;
  } catch {
    moduleDir = undefined;
  }
  if (dl.status !== 0 || !moduleDir)
    throw new Error(`ferretdb: go mod download ${spec.module} failed: ${lastLine(dl.stderr || dl.stdout || '')}`);
  const copy = path.join(dir, 'module');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(moduleDir, copy, { recursive: true });
  for (const [i, p] of spec.patches.entries()) {
    const file = path.join(copy, p.file);
    const text = fs.readFileSync(file, 'utf8');
    const occurrences = p.occurrences ?? 1;
    if (text.split(p.find).length !== occurrences + 1) {
      throw new Error(
        `ferretdb: patch ${i} (${p.file}): its text is not found exactly ${occurrences} time(s) in ${spec.module}; review deploy/local/ferretdb/patches.json`,
      );
    }
    fs.chmodSync(file, 0o644);
    fs.writeFileSync(
      file,
      text.replaceAll(p.find, () => p.replace),
    );
  }
  const modfile = path.join(dir, 'go.mod');
  fs.writeFileSync(modfile, `${fs.readFileSync(path.join(PATHS.ferretSrc, 'go.mod'), 'utf8')}\nreplace ${spec.module} => ${copy}\n`);
  fs.copyFileSync(path.join(PATHS.ferretSrc, 'go.sum'), path.join(dir, 'go.sum'));
  return modfile;
}

/**
 * MongoDB wire: a `ping` through the MongoDB driver; true if it answers ok, false if something
 * else answers (or nothing in time), null if nothing listens. The driver is loaded only once
 * something listens; without node_modules that ends in one line saying to run `npm ci`.
 */
export async function probeMongo(host, port, timeoutMs = 2_000) {
  if (!(await portOpen(host, port, { timeoutMs, ifSilent: false }))) return null;
  const { MongoClient } = await mongoDriver();
  const client = new MongoClient(`mongodb://${host}:${port}/`, {
    directConnection: true,
    appName: 'local-infra-probe',
    maxPoolSize: 1,
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
    socketTimeoutMS: timeoutMs,
  });
  try {
    return (await client.db('admin').command({ ping: 1 })).ok === 1;
  } catch {
    return false;
  } finally {
    await client.close().catch(noop);
  }
}

async function mongoDriver() {
  try {
    return await import('mongodb');
  } catch (err) {
    if (err?.code !== 'ERR_MODULE_NOT_FOUND') throw err;
    throw new Error(
      'the store health check needs the mongodb package: run `npm ci` first (npm start and npm test run it themselves), or set MONGODB_URI',
      { cause: err },
    );
  }
}

// Processes: starting a service as a detached child with a pid file and a log, waiting until its
// health probe answers (with a timeout), stopping it by pid file, and the port and file helpers
// around that. Knows nothing of Kafka or FerretDB: each service is a descriptor (see infra.mjs)
// with its name, port, log, pid file, `probe(port)` and `prepare({log, port})` giving its command.
// Node built-ins only (see infra.mjs).

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { HOST, PATHS, REPO_ROOT, logger, noop, rel } from './settings.mjs';

const LOG_ROTATE_BYTES = 20 * 1024 * 1024;
// A first start fetches jars and builds FerretDB; a second start waits for it rather than racing it.
const LOCK_WAIT_MS = 15 * 60 * 1000;

const inflight = new Map(); // name -> promise (concurrent starts in one process share the work)

/** Starts the service, or reuses a healthy one on its port. Resolves `{started, pid}`. */
export function startService(svc, opts) {
  const running = inflight.get(svc.name);
  if (running) return running.then((r) => ({ ...r, started: false })); // the first caller owns it
  const p = withLock(svc, () => startServiceLocked(svc, opts)).finally(() => inflight.delete(svc.name));
  inflight.set(svc.name, p);
  return p;
}

function readyTimeoutMs(svc, opts) {
  if (opts && opts.readyTimeoutMs) return opts.readyTimeoutMs;
  const v = Number(process.env.INFRA_READY_TIMEOUT_MS);
  return Number.isFinite(v) && v > 0 ? v : svc.defaultReadyMs;
}

async function startServiceLocked(svc, opts) {
  const log = logger(opts.log);
  const port = svc.port();
  const pid = ourPid(svc);

  if (await svc.probe(port)) {
    log(`${svc.name}: reusing the healthy one on ${HOST}:${port}${pid ? ` (pid ${pid})` : ' (not started by this project)'}`);
    return { started: false, pid };
  }
  if (pid) {
    const pidPort = pidFilePort(svc);
    if (pidPort && pidPort !== port) {
      throw new Error(
        `${svc.name} (pid ${pid}) is running on port ${pidPort}, not ${port}; stop it first: node deploy/local/infra.mjs stop ${svc.name}`,
      );
    }
    // Ours, still starting (e.g. a start that was interrupted while waiting): wait for it.
    log(`${svc.name}: pid ${pid} is running but not ready yet; waiting`);
    await waitReady(svc, port, { pid, timeoutMs: readyTimeoutMs(svc, opts), logOffset: 0 });
    return { started: false, pid };
  }
  if (await portOpen(HOST, port)) {
    throw new Error(
      `port ${port} is in use by something that is not a healthy ${svc.what}; free it or set ${svc.portEnv} (log: ${rel(svc.log)})`,
    );
  }
  for (const [envName, p, role] of svc.extraPorts()) {
    if (await portOpen(HOST, p)) {
      throw new Error(`port ${p} (${role}) is already in use; free it or set ${envName} (log: ${rel(svc.log)})`);
    }
  }

  const t0 = Date.now();
  const { cmd, args, env } = await svc.prepare({ log, port });
  fs.mkdirSync(PATHS.run, { recursive: true });
  const { fd, offset } = openLog(svc, `${cmd} ${args.join(' ')}`);
  let child;
  try {
    child = spawn(cmd, args, {
      cwd: REPO_ROOT,
      detached: true,
      stdio: ['ignore', fd, fd],
      env: { ...process.env, ...env },
    });
  } finally {
    fs.closeSync(fd);
  }
  const exited = { status: null };
  child.once('exit', (code, sig) => (exited.status = { code, sig }));
  const spawnError = await new Promise((resolve) => {
    child.once('spawn', () => resolve(null));
    child.once('error', resolve); // ENOENT, EACCES...
  });
  if (spawnError) throw new Error(`${svc.name}: could not start ${cmd}: ${spawnError.message}; read ${rel(svc.log)}`);
  fs.writeFileSync(svc.pidFile, `${child.pid}\n${port}\n`);
  child.unref();
  log(`${svc.name}: started pid ${child.pid}, waiting for ${HOST}:${port} (log: ${rel(svc.log)})`);

  try {
    await waitReady(svc, port, { exited, pid: child.pid, timeoutMs: readyTimeoutMs(svc, opts), logOffset: offset });
  } catch (err) {
    if (pidAlive(child.pid)) {
      signal(child.pid, 'SIGKILL');
      await waitForExit(child.pid, 5_000);
    }
    rmQuiet(svc.pidFile);
    throw err;
  }
  log(`${svc.name}: ready on ${HOST}:${port} after ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  return { started: true, pid: child.pid };
}

/**
 * Polls the health probe until it succeeds, the process exits (then the error carries the
 * last lines of its log) or the timeout passes. `exited.status` is set by our child's 'exit'
 * event; for a process started elsewhere the pid is watched instead.
 */
async function waitReady(svc, port, { exited, pid, timeoutMs, logOffset }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = exited ? exited.status : pidAlive(pid) ? null : { code: null, sig: null };
    if (status) {
      const how = status.sig ? `was killed by ${status.sig}` : status.code !== null ? `exited with code ${status.code}` : 'exited';
      const tail = tailLog(svc.log, logOffset, 20);
      throw new Error(
        `${svc.name} ${how} before becoming ready; read ${rel(svc.log)}` + (tail ? `\n--- last lines of ${rel(svc.log)} ---\n${tail}` : ''),
      );
    }
    if (await svc.probe(port)) return;
    if (Date.now() >= deadline) {
      throw new Error(`${svc.name} did not become ready within ${Math.round(timeoutMs / 1000)}s; read ${rel(svc.log)}`);
    }
    await sleep(250);
  }
}

/**
 * SIGTERM by pid file, wait up to timeoutMs (20 s), then SIGKILL; removes the pid file.
 * Only touches a process whose pid file exists and whose command line matches.
 */
export async function stopService(svc, { timeoutMs = 20_000, log = noop } = {}) {
  const pid = ourPid(svc);
  if (!pid) return false;
  const port = pidFilePort(svc) || svc.port();
  logger(log)(`${svc.name}: stopping pid ${pid}`);
  signal(pid, 'SIGTERM');
  if (!(await waitForExit(pid, timeoutMs))) {
    logger(log)(`${svc.name}: pid ${pid} still running after ${Math.round(timeoutMs / 1000)}s, sending SIGKILL`);
    signal(pid, 'SIGKILL');
    await waitForExit(pid, 5_000);
  }
  rmQuiet(svc.pidFile);
  // The listening socket goes away with the process; make sure before a restart reuses the port.
  const deadline = Date.now() + 3_000;
  while (Date.now() < deadline && (await portOpen(HOST, port))) await sleep(100);
  return true;
}

/** The service's pid if its pid file names a live process that looks like it; clears stale pid files. */
export function ourPid(svc) {
  const pid = Number.parseInt(readQuiet(svc.pidFile) || '', 10);
  if (!pid) return null;
  if (pidAlive(pid)) {
    const cmdline = readQuiet(`/proc/${pid}/cmdline`);
    if (cmdline === null || cmdline.split('\0').join(' ').includes(svc.cmdMatch)) return pid;
  }
  rmQuiet(svc.pidFile); // stale: the process is gone (or the pid was reused by something else)
  return null;
}

/** The port written on the pid file's second line when the service was started. */
function pidFilePort(svc) {
  return Number.parseInt((readQuiet(svc.pidFile) || '').split('\n')[1], 10) || 0;
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if (err.code !== 'EPERM') return false;
  }
  const stat = readQuiet(`/proc/${pid}/stat`); // zombies count as dead
  if (stat) {
    const state = stat.slice(stat.lastIndexOf(')') + 2).charAt(0);
    if (state === 'Z' || state === 'X') return false;
  }
  return true;
}

function signal(pid, sig) {
  try {
    process.kill(pid, sig);
  } catch {
    /* already gone */
  }
}

async function waitForExit(pid, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (pidAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(100);
  }
  return true;
}

/**
 * Does something hold host:port? True on a connection, false on a refusal; `ifSilent` is the
 * answer when neither comes within timeoutMs (something that accepts but stays silent, or a filter).
 */
export function portOpen(host, port, { timeoutMs = 1_000, ifSilent = true } = {}) {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    const finish = (v) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => finish(ifSilent), timeoutMs);
    sock.once('connect', () => finish(true));
    sock.once('error', () => finish(false));
  });
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, HOST, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Cross-process start lock (.local/run/<name>.lock holding the owner's pid; stale locks are taken over). */
async function withLock(svc, fn) {
  fs.mkdirSync(PATHS.run, { recursive: true });
  const lockFile = path.join(PATHS.run, `${svc.name}.lock`);
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      fs.writeFileSync(lockFile, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      const owner = Number.parseInt(readQuiet(lockFile) || '', 10);
      let age = 0;
      try {
        age = Date.now() - fs.statSync(lockFile).mtimeMs;
      } catch {
        continue;
      }
      if ((owner && !pidAlive(owner)) || (!owner && age > 5_000)) {
        rmQuiet(lockFile);
        continue;
      }
      if (Date.now() >= deadline) {
        throw new Error(`${svc.name}: another start (pid ${owner}) holds ${rel(lockFile)}; gave up waiting`);
      }
      await sleep(250);
    }
  }
  try {
    return await fn();
  } finally {
    rmQuiet(lockFile);
  }
}

function openLog(svc, commandLine) {
  fs.mkdirSync(PATHS.logs, { recursive: true });
  try {
    if (fs.statSync(svc.log).size > LOG_ROTATE_BYTES) fs.renameSync(svc.log, `${svc.log}.1`);
  } catch {
    /* no log yet */
  }
  const fd = fs.openSync(svc.log, 'a');
  fs.writeSync(fd, `\n===== ${new Date().toISOString()} starting ${svc.name}: ${commandLine} =====\n`);
  return { fd, offset: fs.fstatSync(fd).size };
}

function tailLog(file, offset, lines) {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const from = Math.max(offset, size - 64 * 1024);
      const buf = Buffer.alloc(Math.max(0, size - from));
      fs.readSync(fd, buf, 0, buf.length, from);
      return buf.toString('utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return '';
  }
}

/** Runs a one-off command (a fetch, a build) with its output in logFile; resolves its exit code (-1: did not run). */
export function runToLog(cmd, args, { cwd, logFile }) {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const fd = fs.openSync(logFile, 'w');
  fs.writeSync(fd, `$ ${cmd} ${args.join(' ')}\n`);
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', fd, fd] });
    fs.closeSync(fd);
    child.once('error', (err) => {
      fs.appendFileSync(logFile, `${err.message}\n`);
      resolve(-1);
    });
    child.once('exit', (code) => resolve(code === null ? -1 : code));
  });
}

/** Hash of the files' names and contents: a download or build is redone when it changes. */
export function sha256(files) {
  const h = createHash('sha256');
  for (const f of files) {
    h.update(`${path.basename(f)}\0`);
    h.update(fs.readFileSync(f));
  }
  return h.digest('hex');
}

export function readQuiet(file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

export function rmQuiet(file) {
  try {
    fs.rmSync(file, { force: true });
  } catch {
    /* ignore */
  }
}

/** The last non-empty line of a tool's output, without colour codes: the one-line cause in an error. */
export function lastLine(text) {
  return (
    text
      .split('\n')
      // eslint-disable-next-line no-control-regex -- strips ANSI colour codes (ESC [ ... m) from log lines
      .map((l) => l.replace(/\x1b\[[0-9;]*m/g, '').trim())
      .filter(Boolean)
      .pop() || ''
  );
}

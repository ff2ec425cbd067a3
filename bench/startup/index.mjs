// Startup and footprint of the platform (issue 2):
//  - time from `npm start` to all six services ready, infrastructure cached (downloads and builds
//    done) but not running, then with it already running;
//  - idle RSS of each service and their sum (goal: at most 1 GiB for all six);
//  - baseline in the same run: a bare Fastify server on the same Node, started the same way.
import { spawn, execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { infraStatus, stopInfra } from '../../deploy/local/infra.mjs';
import { rssMiB } from '../lib/rss.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Runs `npm start` (tools/scripts/start.mjs), resolves when it prints the ready line. */
function npmStart() {
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, [path.join(ROOT, 'tools/scripts/start.mjs')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      if (/all 6 services ready/.test(out)) resolve({ child, ms: Number(process.hrtime.bigint() - t0) / 1e6, out });
    });
    child.stderr.on('data', (d) => (out += d));
    child.once('exit', (code) => reject(new Error(`npm start exited ${code} before ready:\n${out}`)));
  });
}

function stop(child) {
  return new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGINT');
  });
}

function servicePids(parentPid) {
  const list = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(parentPid)], { encoding: 'utf8' });
  return list
    .trim()
    .split('\n')
    .map((l) => /^\s*(\d+)\s+.*apps\/([a-z-]+)\/dist\/main\.js/.exec(l))
    .filter(Boolean)
    .map((m) => ({ pid: Number(m[1]), service: m[2] }));
}

/** Baseline: a bare Fastify hello server, spawned and polled until it answers. */
async function bareFastify() {
  const code = `import Fastify from 'fastify'; const app = Fastify(); app.get('/health', async () => ({ ok: true })); await app.listen({ port: 3999, host: '127.0.0.1' });`;
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT, stdio: 'ignore' });
  for (;;) {
    try {
      if ((await fetch('http://127.0.0.1:3999/health')).ok) break;
    } catch {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  await new Promise((r) => setTimeout(r, 3000));
  const rss = rssMiB(child.pid);
  child.kill('SIGTERM');
  return { ms, rss };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function run(args) {
  const runs = Number(args[0] ?? 3);
  if ((await infraStatus()).some((s) => s.running)) {
    process.stdout.write('stopping the running local broker and store first (cold-process runs)...\n');
    await stopInfra();
  }
  const base = [];
  for (let i = 0; i < runs; i++) base.push(await bareFastify());

  const cold = [];
  const warm = [];
  let rss = [];
  for (let i = 0; i < runs; i++) {
    // Cold processes: nothing running, everything cached. npm start starts and, on Ctrl-C, stops the infra.
    const a = await npmStart();
    cold.push(a.ms);
    await stop(a.child);
  }
  // Warm: infra already running (started by a first npm start we keep, measured separately).
  const { ensureInfra } = await import('../../deploy/local/infra.mjs');
  const infra = await ensureInfra({ log: () => undefined });
  for (let i = 0; i < runs; i++) {
    const b = await npmStart();
    warm.push(b.ms);
    if (i === runs - 1) {
      await new Promise((r) => setTimeout(r, 5000)); // idle
      rss = servicePids(b.child.pid).map(({ pid, service }) => ({ service, mib: rssMiB(pid) }));
    }
    await stop(b.child);
  }
  if (infra.started.length) await stopInfra(infra.started);

  const baseMs = median(base.map((b) => b.ms));
  const baseRss = median(base.map((b) => b.rss));
  const total = rss.reduce((s, r) => s + r.mib, 0);
  const lines = [
    `startup (${runs} runs each, median) on Node ${process.versions.node}`,
    `  npm start -> 6 services ready, infra cached but stopped: ${(median(cold) / 1000).toFixed(1)} s  (runs: ${cold.map((m) => (m / 1000).toFixed(1)).join(', ')})`,
    `  npm start -> 6 services ready, infra running:            ${(median(warm) / 1000).toFixed(1)} s  (runs: ${warm.map((m) => (m / 1000).toFixed(1)).join(', ')})`,
    `  baseline, bare Fastify process ready:                     ${(baseMs / 1000).toFixed(2)} s`,
    `  ratio warm start / (6 x bare Fastify):                   ${(median(warm) / (6 * baseMs)).toFixed(2)}`,
    `idle RSS after 5 s (MiB):`,
    ...rss.map((r) => `  ${r.service.padEnd(14)} ${r.mib.toFixed(0)}`),
    `  sum            ${total.toFixed(0)} MiB (goal <= 1024)  = ${(total / (6 * baseRss)).toFixed(2)} x six bare Fastify processes (${baseRss.toFixed(0)} MiB each)`,
    `reproduce: npm run bench -- startup ${runs}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

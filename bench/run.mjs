#!/usr/bin/env node
// Benchmarks: `npm run bench -- <name> [options]` runs bench/<name>/index.ts (TypeScript through
// tools/scripts/ts-hooks.mjs, the test tiers' swc settings) or bench/<name>/index.mjs, with the
// broker and store it needs: KAFKA_BROKERS / MONGODB_URI when given, else what
// deploy/local/infra.mjs starts (and stops again afterwards). Never part of the tests (ARCHITECTURE §9).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ensureNode24, ROOT } from '../tools/scripts/node24.mjs';

ensureNode24(new URL(import.meta.url).pathname);

const { ensureInfra, startWithTestcontainers, stopInfra } = await import('../deploy/local/infra.mjs');

const benches = readdirSync(path.join(ROOT, 'bench'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && ['index.ts', 'index.mjs'].some((f) => existsSync(path.join(ROOT, 'bench', d.name, f))))
  .map((d) => d.name);
const [name, ...args] = process.argv.slice(2);
if (!name || !benches.includes(name)) {
  process.stderr.write(`usage: npm run bench -- <${benches.join('|')}> [options]\n`);
  process.exit(2);
}

const dir = path.join(ROOT, 'bench', name);
const entry = existsSync(path.join(dir, 'index.ts')) ? path.join(dir, 'index.ts') : path.join(dir, 'index.mjs');
const nodeArgs = entry.endsWith('.ts') ? ['--import', path.join(ROOT, 'tools', 'scripts', 'ts-hooks.mjs'), entry] : [entry];

let infra = await ensureInfra({ log: (m) => process.stderr.write(`${m}\n`) });
if (infra.mode === 'docker') infra = await startWithTestcontainers();
const env = { ...process.env, KAFKA_BROKERS: infra.kafkaBrokers, MONGODB_URI: infra.mongodbUri, BENCH_COMMAND: `npm run bench -- ${[name, ...args].join(' ')}` };
let status = 1;
try {
  status = spawnSync(process.execPath, [...nodeArgs, ...args], { cwd: ROOT, env, stdio: 'inherit' }).status ?? 1;
} finally {
  if (infra.stop) await infra.stop();
  else if (infra.started?.length) await stopInfra(infra.started);
}
process.exit(status);

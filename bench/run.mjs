#!/usr/bin/env node
// `npm run bench -- <name> [args]`: runs bench/<name>/index.mjs. Benchmarks live here, never in tests;
// each prints its figures, its ratio to a baseline measured in the same run, and the command to rerun.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(path.join(here, d.name, 'index.mjs')))
  .map((d) => d.name);
const [name, ...args] = process.argv.slice(2);
if (!name || !available.includes(name)) {
  process.stderr.write(`usage: npm run bench -- <${available.join('|')}> [args]\n`);
  process.exit(2);
}
// The benchmarks' own broker and store (ports and data beside the platform's), so the topics and
// databases they fill never reach `npm start` or `npm test`; KAFKA_BROKERS / MONGODB_URI still win.
const { PAIRS, pairEnv } = await import('../deploy/local/settings.mjs');
// BENCH_INFRA_PORT_OFFSET moves the pair's ports (two checkouts benchmarking on one machine).
for (const [k, v] of Object.entries(pairEnv(PAIRS.bench, Number(process.env.BENCH_INFRA_PORT_OFFSET ?? 0)))) process.env[k] ??= v;
// Each run starts from an empty local broker and store: a fresh consumer group reads its topics from
// the beginning, so the events an earlier run left (a 1,000-school move of the orgs benchmark) would
// be replayed into this run's read models and its figures. BENCH_KEEP_DATA=1 keeps them.
if (!process.env.KAFKA_BROKERS && !process.env.MONGODB_URI && !process.env.BENCH_KEEP_DATA) {
  const { PATHS, stopInfra } = await import('../deploy/local/infra.mjs');
  if (PATHS.state !== PATHS.local) {
    await stopInfra();
    rmSync(path.join(PATHS.state, 'data'), { recursive: true, force: true });
  }
}
const { run } = await import(pathToFileURL(path.join(here, name, 'index.mjs')).href);
await run(args);

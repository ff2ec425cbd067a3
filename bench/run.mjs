#!/usr/bin/env node
// `npm run bench -- <name> [args]`: runs bench/<name>/index.mjs. Benchmarks live here, never in tests;
// each prints its figures, its ratio to a baseline measured in the same run, and the command to rerun.
import { existsSync, readdirSync } from 'node:fs';
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
const defaults = { LOCAL_INFRA_DIR: '.local/bench', LOCAL_KAFKA_PORT: '19192', LOCAL_KAFKA_CONTROLLER_PORT: '19193', LOCAL_MONGO_PORT: '27117' };
for (const [k, v] of Object.entries(defaults)) process.env[k] ??= v;
const { run } = await import(pathToFileURL(path.join(here, name, 'index.mjs')).href);
await run(args);

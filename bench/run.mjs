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
const { run } = await import(pathToFileURL(path.join(here, name, 'index.mjs')).href);
await run(args);

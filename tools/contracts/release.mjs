#!/usr/bin/env node
// `npm run contracts:release [-- --retire <type> ...]`: records the current schema of every event type
// as its last released version in libs/contracts/released/<type>.json, which the unit tests then hold
// every later change to (ADR 0006). Refuses a release that would break a consumer of the previous one.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensureNode24 } from '../scripts/node24.mjs';

ensureNode24(new URL(import.meta.url).pathname);

const { loadContracts, RELEASED_DIR } = await import('./contracts-dist.mjs');
const { EventContracts, compareContracts, releasedForm, releasedFileText } = await loadContracts();

const args = process.argv.slice(2);
const retire = new Set();
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--retire' && args[i + 1]) retire.add(args[++i]);
  else {
    process.stderr.write('usage: npm run contracts:release [-- --retire <event type> ...]\n');
    process.exit(2);
  }
}

mkdirSync(RELEASED_DIR, { recursive: true });
const fileOf = (type) => path.join(RELEASED_DIR, `${type}.json`);
const released = readdirSync(RELEASED_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(path.join(RELEASED_DIR, f), 'utf8')));
const current = EventContracts.map(releasedForm);

for (const type of retire) {
  if (!released.some((r) => r.type === type)) throw new Error(`--retire ${type}: no released schema of that type`);
  if (current.some((c) => c.type === type)) throw new Error(`--retire ${type}: the type is still published; remove its contract first`);
}

const report = compareContracts(
  released.filter((r) => !retire.has(r.type)),
  current,
);
if (report.breaking.length > 0) {
  process.stderr.write(`not released: ${report.breaking.length} change(s) would break existing consumers:\n`);
  for (const f of report.breaking) process.stderr.write(`  ${f.message}\n`);
  process.stderr.write('A breaking change is a new .v2 type on a new .v2 topic, published beside the old one (docs/adr/0006).\n');
  process.exit(1);
}
for (const type of retire) {
  rmSync(fileOf(type));
  process.stdout.write(`retired ${type}\n`);
}
for (const c of current) {
  const text = releasedFileText(c);
  const file = fileOf(c.type);
  const before = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  if (before === text) continue;
  writeFileSync(file, text);
  process.stdout.write(`${before === undefined ? 'released' : 'updated'} ${c.type}\n`);
}
for (const n of report.notes.filter((x) => x.rule !== 'new-type')) process.stdout.write(`note: ${n.message}\n`);
process.stdout.write(`${current.length} event type(s) released in ${path.relative(process.cwd(), RELEASED_DIR) || '.'}\n`);

#!/usr/bin/env node
// `npm test`: every tier (unit, integration, e2e) against the real broker and store, then one closing
// line `N passed, N failed`. `npm test -- unit` (or integration, e2e) runs only those tiers.
// The integration and e2e tiers each get their own broker and store (tools/scripts/test-infra.mjs,
// ADR 0015), started empty in parallel while the build runs and removed when the tier ends (also on
// Ctrl-C or failure); the platform's pair (`npm start`, `.local/data`) is never touched.
// KAFKA_BROKERS / MONGODB_URI given from outside are used instead (and receive the test data).
// test-infra.mjs needs only Node built-ins, so it loads before the re-run on Node 24.
import { INFRA_TIERS, firstStart, startTierInfra, useDocker } from './test-infra.mjs';
import { ensureNode24, ROOT } from './node24.mjs';

ensureNode24(new URL(import.meta.url).pathname);

const { existsSync, mkdirSync, readFileSync, rmSync } = await import('node:fs');
const path = await import('node:path');
const { build, typecheck } = await import('./build.mjs');
const { runJest, TIERS } = await import('./jest.mjs');

const t0 = Date.now();
const asked = process.argv.slice(2).filter((a) => TIERS.includes(a));
const tiers = asked.length > 0 ? asked : TIERS;
const resultsDir = path.join(ROOT, '.local', 'test-results');
rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });

let passed = 0;
let failed = 0;
let exiting = false;
const log = (m) => process.stderr.write(`${m}\n`);
/** tier -> the promise of its broker and store ({mode, env, stop}); settled ones are stopped in finish(). */
const infra = new Map();

async function stopTierInfra(tier) {
  const starting = infra.get(tier);
  if (!starting) return;
  infra.delete(tier);
  try {
    await (await starting).stop();
  } catch (err) {
    log(`npm test: stopping the ${tier} tests' broker and store: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Stops what was started, prints the closing lines and exits; a second call (the run going on after Ctrl-C) never returns. */
async function finish(code) {
  if (exiting) return new Promise(() => {});
  exiting = true;
  await Promise.all([...infra.keys()].map(stopTierInfra));
  process.stdout.write(`\nnpm test took ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  process.exit(code);
}
process.on('SIGINT', () => void finish(130));
process.on('SIGTERM', () => void finish(143));

try {
  // Both pairs at once, beside the build (their starts are spawned before it blocks the event loop);
  // one after the other on the very first start, which fetches the Kafka jars and builds FerretDB
  // into the shared .local once.
  const needed = tiers.filter((t) => INFRA_TIERS.includes(t));
  const docker = needed.length > 0 && (await useDocker());
  let previous = Promise.resolve();
  for (const [i, tier] of needed.entries()) {
    const start =
      i > 0 && firstStart()
        ? previous.catch(() => {}).then(() => startTierInfra(tier, { log, docker }))
        : startTierInfra(tier, { log, docker });
    start.catch(() => {}); // awaited when its tier runs
    infra.set(tier, start);
    previous = start;
  }
  // Services run from their build in e2e; a type error fails the run before any tier.
  process.stderr.write('building...\n');
  if (!build().ok) {
    failed += 1;
    process.stderr.write('npm test: the TypeScript build failed (output above)\n');
    await finish(1);
  }
  // Specs, test support, e2e and benchmarks too: jest runs them without checking their types.
  if (!typecheck().ok) {
    failed += 1;
    process.stderr.write('npm test: the workspace type check (tsconfig.json: specs, e2e, bench) failed (output above)\n');
  }
  for (const tier of tiers) {
    if (exiting) await finish(1); // Ctrl-C during the previous tier: finish() in the handler exits
    const outputFile = path.join(resultsDir, `${tier}.json`);
    process.stderr.write(`\n=== ${tier} tests ===\n`);
    let env = process.env;
    if (infra.has(tier)) {
      try {
        env = { ...process.env, ...(await infra.get(tier)).env };
      } catch (err) {
        failed += 1;
        process.stderr.write(`npm test: the ${tier} tier has no broker and store: ${err instanceof Error ? err.message : String(err)}\n`);
        await stopTierInfra(tier);
        continue;
      }
    }
    if (exiting) await finish(1);
    const run = runJest(tier, [], { outputFile, env });
    await stopTierInfra(tier);
    if (!existsSync(outputFile)) {
      failed += 1;
      process.stderr.write(`npm test: the ${tier} tier ended without results (exit ${run.status})\n`);
      continue;
    }
    const r = JSON.parse(readFileSync(outputFile, 'utf8'));
    passed += r.numPassedTests;
    // A file that fails to load or whose hooks throw has no failing test of its own: count it.
    failed += r.numFailedTests + r.numRuntimeErrorTestSuites;
    if (run.status !== 0 && r.numFailedTests + r.numRuntimeErrorTestSuites === 0) failed += 1;
  }
  await finish(failed > 0 ? 1 : 0);
} catch (err) {
  failed += 1;
  process.stderr.write(`npm test: ${err instanceof Error ? err.message : String(err)}\n`);
  await finish(1);
}

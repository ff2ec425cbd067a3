// The test tiers' own brokers and stores (ADR 0015). The integration and e2e tiers each get a pair of
// their own (deploy/local/settings.mjs PAIRS: `.local/test/<tier>`, ports beside the platform's and the
// benchmarks'), started empty and removed at the end, so nothing a test writes reaches `npm start`'s
// topics and databases in `.local/data`, and a platform running beside the tests is never touched.
// KAFKA_BROKERS / MONGODB_URI given by the operator win (they then receive the test data).
// Node built-ins only (`npm test` imports this before it re-runs on Node 24).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dockerAvailable, localKafkaAuthEnv, startWithTestcontainers } from '../../deploy/local/infra.mjs';
import { portOpen } from '../../deploy/local/processes.mjs';
import { HOST, REPO_ROOT, TEST_STATE_ROOT, testPair } from '../../deploy/local/settings.mjs';

export { INFRA_TIERS, TEST_STATE_ROOT, isolationProblems, testPair } from '../../deploy/local/settings.mjs';

/**
 * Runs `node <script> <args>` with `env`; its stderr lines go to `log` as they come, resolves its
 * stdout, rejects with the last lines of its stderr when it fails.
 */
function runNode(script, args, env, what, log) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let partial = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => {
      err += d;
      const lines = (partial + d).split('\n');
      partial = lines.pop();
      for (const l of lines) if (l) log(l);
    });
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (partial) log(partial);
      if (code === 0) resolve(out);
      else reject(new Error(`${what} failed (${signal ?? `exit ${code}`}): ${err.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
}

/**
 * `node deploy/local/infra.mjs <args>` for the pair, in a child process: the state dir and ports
 * are read once per process, so two pairs run side by side only from two processes.
 */
function infraCommand(pair, args, log) {
  const env = { ...process.env, ...pair.env, INFRA_MODE: 'local' };
  delete env.KAFKA_BROKERS;
  delete env.MONGODB_URI;
  const script = path.join(REPO_ROOT, 'deploy', 'local', 'infra.mjs');
  return runNode(script, args, env, `the ${pair.tier} tests' broker and store: infra ${args[0]}`, log);
}

/** Stops what runs from the pair's dir (by its pid files) and removes the dir: data, logs, pid files. */
export async function removeTestPair(pair, { log = () => {} } = {}) {
  if (fs.existsSync(pair.dir)) {
    await infraCommand(pair, ['stop'], log);
    fs.rmSync(pair.dir, { recursive: true, force: true });
  }
  try {
    fs.rmdirSync(TEST_STATE_ROOT); // only when no other pair is left
  } catch {
    /* not empty, or gone */
  }
}

/**
 * Starts the tier's pair empty: whatever an interrupted run left in its dir is stopped and removed
 * first; a port already in use fails (another checkout's tests? TEST_INFRA_PORT_OFFSET) rather than
 * reusing a broker or store that is not this run's. Resolves the addresses and the environment for
 * the tier's jest run.
 */
export async function startTestPair(pair, { kafka = true, mongo = true, log = () => {} } = {}) {
  await removeTestPair(pair, { log });
  const wanted = [
    ...(kafka
      ? [
          ['Kafka', pair.ports.kafka],
          ['Kafka controller', pair.ports.controller],
        ]
      : []),
    ...(mongo ? [['store', pair.ports.mongo]] : []),
  ];
  for (const [role, port] of wanted) {
    if (await portOpen(HOST, port)) {
      throw new Error(
        `port ${port} (the ${pair.tier} tests' ${role}) is in use by something this run did not start (another checkout's tests?); ` +
          'stop it, or set TEST_INFRA_PORT_OFFSET to move the test pairs',
      );
    }
  }
  const names = [...(kafka ? ['kafka'] : []), ...(mongo ? ['ferretdb'] : [])];
  const out = await infraCommand(pair, ['start', ...names], log);
  const value = (name) => out.match(new RegExp(`^${name}=(.+)$`, 'm'))?.[1];
  const result = { kafkaBrokers: value('KAFKA_BROKERS'), mongodbUri: value('MONGODB_URI') };
  if ((kafka && !result.kafkaBrokers) || (mongo && !result.mongodbUri)) {
    throw new Error(`the ${pair.tier} tests' broker and store: infra start printed no address (${out.trim()})`);
  }
  // The tests connect as the broker's super user (docs/adr/0025); the services the e2e tier starts get their own principals.
  const admin = kafka ? localKafkaAuthEnv('admin', { stateDir: pair.dir }) : {};
  return { ...result, env: { ...pair.env, ...addresses(result), ...admin } };
}

/** KAFKA_BROKERS / MONGODB_URI for what was started (the operator's value stays for the other). */
function addresses({ kafkaBrokers, mongodbUri }) {
  return { ...(kafkaBrokers ? { KAFKA_BROKERS: kafkaBrokers } : {}), ...(mongodbUri ? { MONGODB_URI: mongodbUri } : {}) };
}

/** Containers rather than local pairs: INFRA_MODE=docker, or `auto` (the default) with a Docker engine reachable. */
export async function useDocker() {
  const forced = (process.env.INFRA_MODE || 'auto').toLowerCase();
  return forced === 'docker' || (forced === 'auto' && (await dockerAvailable()));
}

/**
 * The tier's broker and store: the operator's (KAFKA_BROKERS and MONGODB_URI given: nothing started),
 * fresh containers when a Docker engine answers (deploy/local/docker.mjs), otherwise the tier's own
 * local pair. Resolves `{ mode, env, stop }`: `env` is what the tier's jest run adds to its
 * environment (with `TEST_INFRA_MODE`: env, docker or local), `stop()` stops and removes what was
 * started here. Pass `docker` (useDocker()) to have the local pair's start begin before this
 * call first yields: npm test's synchronous build runs next, and an await would hold the start
 * until the build ends.
 */
export async function startTierInfra(tier, { log = () => {}, docker } = {}) {
  const kafka = !process.env.KAFKA_BROKERS;
  const mongo = !process.env.MONGODB_URI;
  if (!kafka && !mongo) return { mode: 'env', env: { TEST_INFRA_MODE: 'env' }, stop: async () => {} };
  // Nothing awaited before the local pair's child is spawned when the caller knows `docker`.
  if (docker ?? (await useDocker())) {
    const c = await startWithTestcontainers({ kafka, mongo });
    return { mode: 'docker', env: { ...addresses(c), TEST_INFRA_MODE: 'docker' }, stop: () => c.stop() };
  }
  const pair = testPair(tier);
  const prefixed = (m) => log(`[${tier} tests] ${m}`);
  let started;
  try {
    // In a child process (this file's command line), so the start goes on while the caller blocks
    // (npm test's build and type check run synchronously meanwhile).
    const names = [...(kafka ? ['kafka'] : []), ...(mongo ? ['ferretdb'] : [])];
    const out = await runNode(fileURLToPath(import.meta.url), ['start', tier, ...names], process.env, `the ${tier} tests' start`, prefixed);
    started = JSON.parse(out.trim().split('\n').pop());
  } catch (err) {
    await removeTestPair(pair, { log: prefixed }).catch(() => {}); // one of the two may be running
    throw err;
  }
  return { mode: 'local', pair, env: { ...started.env, TEST_INFRA_MODE: 'local' }, stop: () => removeTestPair(pair, { log: prefixed }) };
}

/** True when the first start still has to fetch the Kafka jars or build FerretDB into the shared `.local`. */
export function firstStart() {
  const local = path.join(REPO_ROOT, '.local');
  return !fs.existsSync(path.join(local, 'bin', 'ferretdb')) || !fs.existsSync(path.join(local, 'cache', 'kafka-libs', '.pom.sha256'));
}

// `node tools/scripts/test-infra.mjs start <tier> [kafka] [ferretdb]`: startTestPair, then the result
// as one JSON line on stdout (startTierInfra runs this); `stop <tier>`: removeTestPair.
if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [command, tier, ...names] = process.argv.slice(2);
  const log = (m) => process.stderr.write(`${m}\n`);
  const pair = testPair(tier);
  const run =
    command === 'start'
      ? startTestPair(pair, {
          kafka: names.length === 0 || names.includes('kafka'),
          mongo: names.length === 0 || names.includes('ferretdb'),
          log,
        })
      : command === 'stop'
        ? removeTestPair(pair, { log })
        : Promise.reject(new Error('usage: node tools/scripts/test-infra.mjs start|stop <integration|e2e> [kafka] [ferretdb]'));
  run.then(
    (r) => {
      if (r) process.stdout.write(`${JSON.stringify(r)}\n`);
    },
    (err) => {
      log(err instanceof Error ? err.message : String(err));
      process.exitCode = 1;
    },
  );
}

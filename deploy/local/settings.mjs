// Where things live and which ports they use: read by every module of the local infrastructure.
// Node built-ins only (see infra.mjs).

import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(HERE, '..', '..');
const LOCAL = path.join(REPO_ROOT, '.local');
/**
 * Where a broker and store keep their data, logs and pid files: `.local`, or `LOCAL_INFRA_DIR` for a
 * second pair beside it (the benchmarks use one, so their topics and databases never reach the
 * platform's or the tests'). Downloads and the FerretDB build stay shared in `.local`. Read at access
 * time, like the ports: bench/run.mjs selects its pair after this module is loaded.
 */
const state = () => (process.env.LOCAL_INFRA_DIR ? path.resolve(REPO_ROOT, process.env.LOCAL_INFRA_DIR) : LOCAL);

export const PATHS = Object.freeze({
  local: LOCAL,
  get state() {
    return state();
  },
  kafkaPom: path.join(HERE, 'kafka', 'pom.xml'),
  kafkaLog4j: path.join(HERE, 'kafka', 'log4j2.properties'),
  kafkaLibs: path.join(LOCAL, 'cache', 'kafka-libs'),
  get kafkaData() {
    return path.join(state(), 'data', 'kafka');
  },
  ferretSrc: path.join(HERE, 'ferretdb'),
  ferretBin: path.join(LOCAL, 'bin', 'ferretdb'),
  get ferretData() {
    return path.join(state(), 'data', 'ferretdb');
  },
  get logs() {
    return path.join(state(), 'logs');
  },
  get run() {
    return path.join(state(), 'run');
  },
});

export const HOST = '127.0.0.1';
export const KAFKA_VERSION = '4.1.1'; // keep in line with deploy/local/kafka/pom.xml and the docker image

// Read at call time, so tests can set the environment before calling.
function portFromEnv(name, def) {
  const v = process.env[name];
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`${name}=${v} is not a valid TCP port`);
  return n;
}

/**
 * The pairs (broker + store) a checkout runs side by side, each with its own state dir (relative to
 * the repository) and ports, so no pair's topics or databases reach another's: the platform's
 * (`npm start`), the benchmarks' (bench/run.mjs) and one per test tier that needs one
 * (tools/scripts/test-infra.mjs; ADR 0015). `LOCAL_INFRA_DIR` and the `LOCAL_*_PORT` variables
 * select one; unset, they select the platform's.
 */
export const PAIRS = Object.freeze({
  platform: Object.freeze({ dir: '.local', kafka: 9092, controller: 9093, mongo: 27017 }),
  bench: Object.freeze({ dir: '.local/bench', kafka: 19192, controller: 19193, mongo: 27117 }),
  'test-integration': Object.freeze({ dir: '.local/test/integration', kafka: 29092, controller: 29093, mongo: 27217 }),
  'test-e2e': Object.freeze({ dir: '.local/test/e2e', kafka: 29192, controller: 29193, mongo: 27317 }),
});

/** The environment that selects a pair (`offset` moves its three ports), for a child process or `??=`. */
export function pairEnv(pair, offset = 0) {
  return {
    LOCAL_INFRA_DIR: pair.dir,
    LOCAL_KAFKA_PORT: String(pair.kafka + offset),
    LOCAL_KAFKA_CONTROLLER_PORT: String(pair.controller + offset),
    LOCAL_MONGO_PORT: String(pair.mongo + offset),
  };
}

/** The test tiers that need a broker and store, each its own pair `test-<tier>` (ADR 0015). */
export const INFRA_TIERS = Object.freeze(['integration', 'e2e']);

/** Every test pair lives under here; tools/scripts/test-infra.mjs removes nothing outside it. */
export const TEST_STATE_ROOT = path.join(LOCAL, 'test');

/** `TEST_INFRA_PORT_OFFSET` moves every test pair's ports (two checkouts testing on one machine). */
function portOffset(env) {
  const v = env.TEST_INFRA_PORT_OFFSET;
  if (v === undefined || v === '') return 0;
  const n = Number(v);
  if (!Number.isInteger(n) || n < -20000 || n > 20000) throw new Error(`TEST_INFRA_PORT_OFFSET=${v} is not an integer within ±20000`);
  return n;
}

/**
 * The tier's pair: its state dir (absolute), its ports and the environment that selects it
 * (`LOCAL_INFRA_DIR`, `LOCAL_*_PORT`: for the infra command and for tests that stop and start
 * the broker, libs/messaging/src/test/broker-outage.integration-spec.ts).
 */
export function testPair(tier, env = process.env) {
  const pair = PAIRS[`test-${tier}`];
  if (!pair) throw new Error(`no test pair for the ${tier} tier (expected one of: ${INFRA_TIERS.join(', ')})`);
  const selected = pairEnv(pair, portOffset(env));
  const dir = path.resolve(REPO_ROOT, pair.dir);
  if (!dir.startsWith(TEST_STATE_ROOT + path.sep)) throw new Error(`the ${tier} test pair's dir ${pair.dir} is not under .local/test`);
  return {
    tier,
    dir,
    ports: {
      kafka: Number(selected.LOCAL_KAFKA_PORT),
      controller: Number(selected.LOCAL_KAFKA_CONTROLLER_PORT),
      mongo: Number(selected.LOCAL_MONGO_PORT),
    },
    env: selected,
  };
}

const portOf = (address) => Number(new URL(address.includes('://') ? address.split(',')[0] : `kafka://${address.split(',')[0]}`).port);

/**
 * What is wrong with the broker and store `env` names for the tier (KAFKA_BROKERS, MONGODB_URI,
 * TEST_INFRA_MODE, LOCAL_INFRA_DIR): an empty list when they are the tier's own, or when the
 * operator gave them (TEST_INFRA_MODE=env: their choice). The tests of ADR 0015 assert it.
 */
export function isolationProblems(tier, env = process.env) {
  const mode = env.TEST_INFRA_MODE;
  if (mode === 'env') return [];
  const problems = [];
  if (mode !== 'local' && mode !== 'docker')
    problems.push(`TEST_INFRA_MODE=${mode}: no broker and store were started for the ${tier} tier`);
  if (!env.KAFKA_BROKERS || !env.MONGODB_URI) return [...problems, 'KAFKA_BROKERS or MONGODB_URI is not set'];
  const kafka = portOf(env.KAFKA_BROKERS);
  const mongo = portOf(env.MONGODB_URI);
  for (const [name, other] of Object.entries(PAIRS)) {
    if (name === `test-${tier}`) continue;
    if (kafka === other.kafka) problems.push(`KAFKA_BROKERS=${env.KAFKA_BROKERS} is on the ${name} pair's port`);
    if (mongo === other.mongo) problems.push(`MONGODB_URI=${env.MONGODB_URI} is on the ${name} pair's port`);
  }
  if (mode === 'local') {
    const pair = testPair(tier, env);
    if (env.KAFKA_BROKERS !== `${HOST}:${pair.ports.kafka}`)
      problems.push(`KAFKA_BROKERS=${env.KAFKA_BROKERS}, not the ${tier} pair's ${HOST}:${pair.ports.kafka}`);
    if (env.MONGODB_URI !== `mongodb://${HOST}:${pair.ports.mongo}/`)
      problems.push(`MONGODB_URI=${env.MONGODB_URI}, not the ${tier} pair's`);
    if (env.LOCAL_INFRA_DIR !== pair.env.LOCAL_INFRA_DIR)
      problems.push(`LOCAL_INFRA_DIR=${env.LOCAL_INFRA_DIR}, not ${pair.env.LOCAL_INFRA_DIR}`);
  }
  return problems;
}

export function ports() {
  return {
    kafka: portFromEnv('LOCAL_KAFKA_PORT', PAIRS.platform.kafka),
    controller: portFromEnv('LOCAL_KAFKA_CONTROLLER_PORT', PAIRS.platform.controller),
    mongo: portFromEnv('LOCAL_MONGO_PORT', PAIRS.platform.mongo),
  };
}

/** Path for messages: relative to the cwd when that is shorter (".local/logs/kafka.log"). */
export function rel(p) {
  const r = path.relative(process.cwd(), p);
  return r && r.length < p.length ? r : p;
}

export const noop = () => {};
export const logger = (log) => (typeof log === 'function' ? log : noop);

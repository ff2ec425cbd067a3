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
 * platform's or the tests'). Downloads and the FerretDB build stay shared in `.local`.
 */
const STATE = process.env.LOCAL_INFRA_DIR ? path.resolve(REPO_ROOT, process.env.LOCAL_INFRA_DIR) : LOCAL;

export const PATHS = Object.freeze({
  local: LOCAL,
  state: STATE,
  kafkaPom: path.join(HERE, 'kafka', 'pom.xml'),
  kafkaLog4j: path.join(HERE, 'kafka', 'log4j2.properties'),
  kafkaLibs: path.join(LOCAL, 'cache', 'kafka-libs'),
  kafkaData: path.join(STATE, 'data', 'kafka'),
  ferretSrc: path.join(HERE, 'ferretdb'),
  ferretBin: path.join(LOCAL, 'bin', 'ferretdb'),
  ferretData: path.join(STATE, 'data', 'ferretdb'),
  logs: path.join(STATE, 'logs'),
  run: path.join(STATE, 'run'),
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

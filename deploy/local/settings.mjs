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

export function ports() {
  return {
    kafka: portFromEnv('LOCAL_KAFKA_PORT', 9092),
    controller: portFromEnv('LOCAL_KAFKA_CONTROLLER_PORT', 9093),
    mongo: portFromEnv('LOCAL_MONGO_PORT', 27017),
  };
}

/** Path for messages: relative to the cwd when that is shorter (".local/logs/kafka.log"). */
export function rel(p) {
  const r = path.relative(process.cwd(), p);
  return r && r.length < p.length ? r : p;
}

export const noop = () => {};
export const logger = (log) => (typeof log === 'function' ? log : noop);

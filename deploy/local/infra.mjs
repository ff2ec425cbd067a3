#!/usr/bin/env node
// Local infrastructure for development and tests: Kafka and a MongoDB-wire store.
//
// The one module `npm start`, the jest globalSetup, `npm test` and the benchmarks import
// (ARCHITECTURE.md section 6, ADR 0003):
//   1. KAFKA_BROKERS / MONGODB_URI set          -> use them, start nothing     (mode 'env')
//   2. a Docker engine reachable                -> caller uses testcontainers  (mode 'docker')
//   3. otherwise the local toolchain:           -> this module starts them     (mode 'local')
//      - Apache Kafka 4 broker from Maven Central (java + mvn), single node, KRaft combined mode
//      - FerretDB 1.24 embedded in a tiny Go program (go), SQLite backend
//
// This file decides the mode and holds the public API; the work is in the modules beside it:
//   settings.mjs   paths under .local/ (or LOCAL_INFRA_DIR), ports from the environment
//   processes.mjs  start lock, spawn, pid file, readiness wait with timeout, stop, port checks
//   kafka.mjs      the broker: jars via mvn, server.properties, storage format, ApiVersions probe
//   ferretdb.mjs   the store: patched go build, command line, probe through the MongoDB driver
//   docker.mjs     Docker engine check and the testcontainers path
//   cli.mjs        node deploy/local/infra.mjs start|stop|status [kafka|ferretdb ...]
//
// tools/scripts/test.mjs and start.mjs import this before `npm ci` may have run and before they
// re-run on Node 24: every module imports only Node built-ins at load time (ES module, Node 20
// and 24); npm packages (the MongoDB driver, testcontainers) are imported inside the functions
// that need them. Everything generated lives under <repo>/.local/ (git-ignored).

import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dockerAvailable, startWithTestcontainers } from './docker.mjs';
import { ferretdbService, probeMongo } from './ferretdb.mjs';
import { KAFKA_PRINCIPALS, kafkaService, kafkaUsers, localKafkaAuthEnv, probeKafka, usersFile } from './kafka.mjs';
import { ourPid, startService, stopService } from './processes.mjs';
import { HOST, ports } from './settings.mjs';

export { INFRA_TIERS, PAIRS, PATHS, REPO_ROOT, TEST_STATE_ROOT, isolationProblems, pairEnv, testPair } from './settings.mjs';
export { dockerAvailable, probeKafka, probeMongo, startWithTestcontainers };
export { KAFKA_PRINCIPALS, kafkaUsers, localKafkaAuthEnv, usersFile as kafkaUsersFile };

const SERVICES = { kafka: kafkaService, ferretdb: ferretdbService };

export const SERVICE_NAMES = Object.freeze(Object.keys(SERVICES));

/** The service descriptor by name; throws on an unknown name. */
export function service(name) {
  const svc = SERVICES[name];
  if (!svc) throw new Error(`unknown service "${name}" (expected one of: ${SERVICE_NAMES.join(', ')})`);
  return svc;
}

/**
 * Makes Kafka and/or a MongoDB-wire store available.
 * @returns {Promise<{kafkaBrokers?: string, mongodbUri?: string, started: string[], mode: 'env'|'docker'|'local'}>}
 *   `started` lists only what this call started (to be stopped by the caller's teardown).
 *   In mode 'docker' the values not given by the environment are undefined: call
 *   startWithTestcontainers().
 */
export async function ensureInfra({ kafka = true, mongo = true, log = console.error, readyTimeoutMs } = {}) {
  const result = { kafkaBrokers: undefined, mongodbUri: undefined, started: [], mode: 'env' };
  if (kafka && process.env.KAFKA_BROKERS) result.kafkaBrokers = process.env.KAFKA_BROKERS;
  if (mongo && process.env.MONGODB_URI) result.mongodbUri = process.env.MONGODB_URI;
  const needKafka = kafka && !result.kafkaBrokers;
  const needMongo = mongo && !result.mongodbUri;
  if (!needKafka && !needMongo) return result;

  const forced = (process.env.INFRA_MODE || 'auto').toLowerCase();
  if (!['auto', 'local', 'docker'].includes(forced)) throw new Error(`INFRA_MODE=${forced} is not one of auto, local, docker`);
  if (forced === 'docker' || (forced === 'auto' && (await dockerAvailable()))) {
    result.mode = 'docker';
    return result;
  }

  result.mode = 'local';
  const opts = { log, readyTimeoutMs };
  const settled = await Promise.allSettled([needKafka ? startKafka(opts) : null, needMongo ? startFerretDB(opts) : null]);
  const failure = settled.find((s) => s.status === 'rejected');
  if (failure) throw failure.reason;
  const [k, m] = settled.map((s) => s.value);
  if (k) {
    result.kafkaBrokers = k.kafkaBrokers;
    if (k.started) result.started.push('kafka');
  }
  if (m) {
    result.mongodbUri = m.mongodbUri;
    if (m.started) result.started.push('ferretdb');
  }
  return result;
}

/** Starts (or reuses) the local Kafka broker. Data dir is kept, so topics and offsets survive. */
export async function startKafka(opts = {}) {
  const r = await startService(SERVICES.kafka, opts);
  return { kafkaBrokers: `${HOST}:${ports().kafka}`, started: r.started, pid: r.pid };
}

/** Stops the local Kafka broker if this project started it (pid file). Resolves true if it stopped one. */
export function stopKafka(opts = {}) {
  return stopProcess('kafka', opts);
}

/** Starts (or reuses) the local FerretDB. */
export async function startFerretDB(opts = {}) {
  const r = await startService(SERVICES.ferretdb, opts);
  return { mongodbUri: `mongodb://${HOST}:${ports().mongo}/`, started: r.started, pid: r.pid };
}

export function stopFerretDB(opts = {}) {
  return stopProcess('ferretdb', opts);
}

/** Stops what the project started (by pid file). Resolves to the names actually stopped. */
export async function stopInfra(names = ['kafka', 'ferretdb'], opts = {}) {
  const list = typeof names === 'string' ? [names] : names;
  const stopped = await Promise.all(list.map((n) => stopProcess(n, opts)));
  return list.filter((_, i) => stopped[i]);
}

/**
 * SIGTERM by pid file, wait up to timeoutMs (20 s), then SIGKILL; removes the pid file.
 * Only touches a process whose pid file exists and whose command line matches.
 */
export function stopProcess(name, opts = {}) {
  return stopService(service(name), opts);
}

/** State of the local services: [{name, pid, running, healthy: true|false|null, address, log}]. */
export async function infraStatus() {
  return Promise.all(
    SERVICE_NAMES.map(async (name) => {
      const svc = SERVICES[name];
      const port = svc.port();
      const pid = ourPid(svc);
      return {
        name,
        pid: pid || null,
        running: Boolean(pid),
        healthy: await svc.probe(port), // true, false (something else answers) or null (nothing listens)
        address: `${HOST}:${port}`,
        log: svc.log,
      };
    }),
  );
}

function isMain() {
  if (!process.argv[1]) return false;
  try {
    return fs.realpathSync(process.argv[1]) === fs.realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  import('./cli.mjs')
    .then(({ cli }) => cli(process.argv.slice(2)))
    .then(
      (code) => process.exit(code),
      (err) => {
        process.stderr.write(`infra: ${err && err.message ? err.message : err}\n`);
        process.exit(1);
      },
    );
}

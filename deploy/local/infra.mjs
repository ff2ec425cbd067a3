#!/usr/bin/env node
// Local infrastructure for development and tests: Kafka and a MongoDB-wire store.
//
// One module for `npm start`, the jest globalSetup and `.ci/run` (ARCHITECTURE.md section 6):
//   1. KAFKA_BROKERS / MONGODB_URI set          -> use them, start nothing     (mode 'env')
//   2. a Docker engine reachable                -> caller uses testcontainers  (mode 'docker')
//   3. otherwise the local toolchain:           -> this module starts them     (mode 'local')
//      - Apache Kafka 4 broker from Maven Central (java + mvn), single node, KRaft combined mode
//      - FerretDB 1.24 embedded in a tiny Go program (go), SQLite backend
//
// Node built-ins only (runs before `npm install`), ES module, Node 20 and 24.
// Everything generated lives under <repo>/.local/ (git-ignored).
//
// CLI: node deploy/local/infra.mjs start|stop|status [kafka|ferretdb ...]

import { execFile, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
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

const HOST = '127.0.0.1';
const KAFKA_VERSION = '4.1.1'; // keep in line with deploy/local/kafka/pom.xml and the docker image
const LOG_ROTATE_BYTES = 20 * 1024 * 1024;
const LOCK_WAIT_MS = 15 * 60 * 1000;

// ---------------------------------------------------------------------------------------------
// Settings (read at call time, so tests can set the environment before calling)

function portFromEnv(name, def) {
  const v = process.env[name];
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`${name}=${v} is not a valid TCP port`);
  return n;
}

function ports() {
  return {
    kafka: portFromEnv('LOCAL_KAFKA_PORT', 9092),
    controller: portFromEnv('LOCAL_KAFKA_CONTROLLER_PORT', 9093),
    mongo: portFromEnv('LOCAL_MONGO_PORT', 27017),
  };
}

function readyTimeoutMs(svc, opts) {
  if (opts && opts.readyTimeoutMs) return opts.readyTimeoutMs;
  const v = Number(process.env.INFRA_READY_TIMEOUT_MS);
  return Number.isFinite(v) && v > 0 ? v : svc.defaultReadyMs;
}

/** Path for messages: relative to the cwd when that is shorter (".local/logs/kafka.log"). */
function rel(p) {
  const r = path.relative(process.cwd(), p);
  return r && r.length < p.length ? r : p;
}

const noop = () => {};
const logger = (log) => (typeof log === 'function' ? log : noop);

// ---------------------------------------------------------------------------------------------
// Services

const SERVICES = {
  kafka: {
    name: 'kafka',
    what: 'Kafka broker',
    portEnv: 'LOCAL_KAFKA_PORT',
    port: () => ports().kafka,
    extraPorts: () => [['LOCAL_KAFKA_CONTROLLER_PORT', ports().controller, 'Kafka controller listener']],
    cmdMatch: 'kafka.Kafka',
    log: path.join(PATHS.logs, 'kafka.log'),
    pidFile: path.join(PATHS.run, 'kafka.pid'),
    defaultReadyMs: 90_000,
    probe: (port) => probeKafka(HOST, port),
    prepare: prepareKafka,
  },
  ferretdb: {
    name: 'ferretdb',
    what: 'MongoDB-compatible server',
    portEnv: 'LOCAL_MONGO_PORT',
    port: () => ports().mongo,
    extraPorts: () => [],
    cmdMatch: PATHS.ferretBin,
    log: path.join(PATHS.logs, 'ferretdb.log'),
    pidFile: path.join(PATHS.run, 'ferretdb.pid'),
    defaultReadyMs: 30_000,
    probe: (port) => probeMongo(HOST, port),
    prepare: prepareFerretDB,
  },
};

export const SERVICE_NAMES = Object.freeze(Object.keys(SERVICES));

function service(name) {
  const svc = SERVICES[name];
  if (!svc) throw new Error(`unknown service "${name}" (expected one of: ${SERVICE_NAMES.join(', ')})`);
  return svc;
}

// ---------------------------------------------------------------------------------------------
// Public API

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
  const r = await startService('kafka', opts);
  return { kafkaBrokers: `${HOST}:${ports().kafka}`, started: r.started, pid: r.pid };
}

/** Stops the local Kafka broker if this project started it (pid file). Resolves true if it stopped one. */
export function stopKafka(opts = {}) {
  return stopProcess('kafka', opts);
}

/** Starts (or reuses) the local FerretDB. */
export async function startFerretDB(opts = {}) {
  const r = await startService('ferretdb', opts);
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
export async function stopProcess(name, { timeoutMs = 20_000, log = noop } = {}) {
  const svc = service(name);
  const pid = ourPid(svc);
  if (!pid) return false;
  const port = Number.parseInt((readQuiet(svc.pidFile) || '').split('\n')[1], 10) || svc.port();
  logger(log)(`${name}: stopping pid ${pid}`);
  signal(pid, 'SIGTERM');
  if (!(await waitForExit(pid, timeoutMs))) {
    logger(log)(`${name}: pid ${pid} still running after ${Math.round(timeoutMs / 1000)}s, sending SIGKILL`);
    signal(pid, 'SIGKILL');
    await waitForExit(pid, 5_000);
  }
  rmQuiet(svc.pidFile);
  // The listening socket goes away with the process; make sure before a restart reuses the port.
  const deadline = Date.now() + 3_000;
  while (Date.now() < deadline && (await portOpen(HOST, port))) await sleep(100);
  return true;
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

/**
 * Is a Docker engine reachable? Pings the engine API (GET /_ping) on DOCKER_HOST or the usual
 * sockets; falls back to `docker info` for other DOCKER_HOST schemes. Never takes more than ~5 s.
 */
export async function dockerAvailable({ timeoutMs = 5_000 } = {}) {
  const dockerHost = process.env.DOCKER_HOST;
  if (dockerHost) {
    if (dockerHost.startsWith('unix://')) return pingDocker({ socketPath: dockerHost.slice('unix://'.length) }, timeoutMs);
    if (dockerHost.startsWith('tcp://') && !process.env.DOCKER_TLS_VERIFY) {
      const u = new URL(dockerHost.replace(/^tcp:/, 'http:'));
      return pingDocker({ host: u.hostname, port: Number(u.port) || 2375 }, timeoutMs);
    }
    return dockerInfo(timeoutMs);
  }
  const sockets = ['/var/run/docker.sock'];
  if (process.env.XDG_RUNTIME_DIR) sockets.push(path.join(process.env.XDG_RUNTIME_DIR, 'docker.sock'));
  if (process.env.HOME) sockets.push(path.join(process.env.HOME, '.docker', 'run', 'docker.sock'));
  for (const socketPath of sockets) {
    if (fs.existsSync(socketPath) && (await pingDocker({ socketPath }, timeoutMs))) return true;
  }
  return false;
}

/**
 * Docker path: starts apache/kafka and mongo:7 with testcontainers (npm deps `testcontainers`
 * and `@testcontainers/mongodb`). @testcontainers/kafka only drives Confluent images
 * (/etc/confluent/docker/run), so the apache/kafka image runs as a GenericContainer with a
 * fixed host port (its advertised listener must be known before it starts).
 * @returns {Promise<{kafkaBrokers?: string, mongodbUri?: string, started: string[], mode: 'docker', stop: () => Promise<void>}>}
 */
export async function startWithTestcontainers({ kafka = true, mongo = true } = {}) {
  const stops = [];
  const result = {
    kafkaBrokers: kafka ? process.env.KAFKA_BROKERS : undefined,
    mongodbUri: mongo ? process.env.MONGODB_URI : undefined,
    started: [],
    mode: 'docker',
    stop: async () => {
      for (const stop of stops.reverse()) await stop().catch(noop);
    },
  };
  try {
    if (kafka && !result.kafkaBrokers) {
      const { GenericContainer, Wait, getContainerRuntimeClient } = await import('testcontainers');
      const host = (await getContainerRuntimeClient()).info.containerRuntime.host;
      const port = await freePort();
      const container = await new GenericContainer(`apache/kafka:${KAFKA_VERSION}`)
        .withExposedPorts({ container: port, host: port })
        .withEnvironment({
          KAFKA_NODE_ID: '1',
          KAFKA_PROCESS_ROLES: 'broker,controller',
          KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
          KAFKA_LISTENERS: `PLAINTEXT://0.0.0.0:${port},CONTROLLER://localhost:9093`,
          KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://${host}:${port}`,
          KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
          KAFKA_INTER_BROKER_LISTENER_NAME: 'PLAINTEXT',
          KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
          KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
          KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
          KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
          KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: '1',
          KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: '1',
          KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
          KAFKA_NUM_PARTITIONS: '3',
          KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'true',
        })
        .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
        .withStartupTimeout(120_000)
        .start();
      stops.push(() => container.stop());
      result.kafkaBrokers = `${host}:${port}`;
      result.started.push('kafka');
    }
    if (mongo && !result.mongodbUri) {
      const { MongoDBContainer } = await import('@testcontainers/mongodb');
      const container = await new MongoDBContainer('mongo:7').start();
      stops.push(() => container.stop());
      // single-member replica set rs0 whose member name is the container's: connect directly
      result.mongodbUri = `${container.getConnectionString()}/?directConnection=true`;
      result.started.push('mongo');
    }
  } catch (err) {
    await result.stop();
    throw err;
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Start / wait

const inflight = new Map(); // name -> promise (concurrent starts in one process share the work)

function startService(name, opts) {
  const svc = service(name);
  const running = inflight.get(name);
  if (running) return running.then((r) => ({ ...r, started: false })); // the first caller owns it
  const p = withLock(svc, () => startServiceLocked(svc, opts)).finally(() => inflight.delete(name));
  inflight.set(name, p);
  return p;
}

async function startServiceLocked(svc, opts) {
  const log = logger(opts.log);
  const port = svc.port();
  const pid = ourPid(svc);

  if (await svc.probe(port)) {
    log(`${svc.name}: reusing the healthy one on ${HOST}:${port}${pid ? ` (pid ${pid})` : ' (not started by this project)'}`);
    return { started: false, pid };
  }
  if (pid) {
    const pidPort = Number.parseInt((readQuiet(svc.pidFile) || '').split('\n')[1], 10);
    if (pidPort && pidPort !== port) {
      throw new Error(
        `${svc.name} (pid ${pid}) is running on port ${pidPort}, not ${port}; stop it first: node deploy/local/infra.mjs stop ${svc.name}`,
      );
    }
    // Ours, still starting (e.g. a start that was interrupted while waiting): wait for it.
    log(`${svc.name}: pid ${pid} is running but not ready yet; waiting`);
    await waitReady(svc, port, { pid, timeoutMs: readyTimeoutMs(svc, opts), logOffset: 0 });
    return { started: false, pid };
  }
  if (await portOpen(HOST, port)) {
    throw new Error(
      `port ${port} is in use by something that is not a healthy ${svc.what}; free it or set ${svc.portEnv} (log: ${rel(svc.log)})`,
    );
  }
  for (const [envName, p, role] of svc.extraPorts()) {
    if (await portOpen(HOST, p)) {
      throw new Error(`port ${p} (${role}) is already in use; free it or set ${envName} (log: ${rel(svc.log)})`);
    }
  }

  const t0 = Date.now();
  const { cmd, args, env } = await svc.prepare({ log, port });
  fs.mkdirSync(PATHS.run, { recursive: true });
  const { fd, offset } = openLog(svc, `${cmd} ${args.join(' ')}`);
  let child;
  try {
    child = spawn(cmd, args, {
      cwd: REPO_ROOT,
      detached: true,
      stdio: ['ignore', fd, fd],
      env: { ...process.env, ...env },
    });
  } finally {
    fs.closeSync(fd);
  }
  const exited = { status: null };
  child.once('exit', (code, sig) => (exited.status = { code, sig }));
  const spawnError = await new Promise((resolve) => {
    child.once('spawn', () => resolve(null));
    child.once('error', resolve); // ENOENT, EACCES...
  });
  if (spawnError) throw new Error(`${svc.name}: could not start ${cmd}: ${spawnError.message}; read ${rel(svc.log)}`);
  fs.writeFileSync(svc.pidFile, `${child.pid}\n${port}\n`);
  child.unref();
  log(`${svc.name}: started pid ${child.pid}, waiting for ${HOST}:${port} (log: ${rel(svc.log)})`);

  try {
    await waitReady(svc, port, { exited, pid: child.pid, timeoutMs: readyTimeoutMs(svc, opts), logOffset: offset });
  } catch (err) {
    if (pidAlive(child.pid)) {
      signal(child.pid, 'SIGKILL');
      await waitForExit(child.pid, 5_000);
    }
    rmQuiet(svc.pidFile);
    throw err;
  }
  log(`${svc.name}: ready on ${HOST}:${port} after ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  return { started: true, pid: child.pid };
}

/**
 * Polls the health probe until it succeeds, the process exits (then the error carries the
 * last lines of its log) or the timeout passes. `exited.status` is set by our child's 'exit'
 * event; for a process started elsewhere the pid is watched instead.
 */
async function waitReady(svc, port, { exited, pid, timeoutMs, logOffset }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = exited ? exited.status : pidAlive(pid) ? null : { code: null, sig: null };
    if (status) {
      const how = status.sig ? `was killed by ${status.sig}` : status.code !== null ? `exited with code ${status.code}` : 'exited';
      const tail = tailLog(svc.log, logOffset, 20);
      throw new Error(
        `${svc.name} ${how} before becoming ready; read ${rel(svc.log)}` + (tail ? `\n--- last lines of ${rel(svc.log)} ---\n${tail}` : ''),
      );
    }
    if (await svc.probe(port)) return;
    if (Date.now() >= deadline) {
      throw new Error(`${svc.name} did not become ready within ${Math.round(timeoutMs / 1000)}s; read ${rel(svc.log)}`);
    }
    await sleep(250);
  }
}

// ---------------------------------------------------------------------------------------------
// Kafka: fetch (mvn), configure, format, command line

async function prepareKafka({ log, port }) {
  checkJava();
  await ensureKafkaLibs(log);

  const { controller } = ports();
  const dataDir = PATHS.kafkaData;
  const logDirs = path.join(dataDir, 'kraft-combined-logs');
  fs.mkdirSync(logDirs, { recursive: true });

  const idFile = path.join(dataDir, 'cluster-id');
  let clusterId = readQuiet(idFile)?.trim();
  if (!clusterId) {
    clusterId = newKafkaUuid();
    fs.writeFileSync(idFile, `${clusterId}\n`);
  }

  const props = path.join(dataDir, 'server.properties');
  fs.writeFileSync(props, kafkaServerProperties({ port, controller, logDirs }));

  const cp = path.join(PATHS.kafkaLibs, '*');
  if (!fs.existsSync(path.join(logDirs, 'meta.properties'))) {
    log(`kafka: formatting storage in ${rel(logDirs)} (cluster id ${clusterId})`);
    const r = spawnSync(
      'java',
      [
        `-Dlog4j2.configurationFile=${PATHS.kafkaLog4j}`,
        '-cp',
        cp,
        'kafka.tools.StorageTool',
        'format',
        '-t',
        clusterId,
        '-c',
        props,
        '--ignore-formatted',
      ],
      { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 },
    );
    fs.mkdirSync(PATHS.logs, { recursive: true });
    fs.appendFileSync(SERVICES.kafka.log, `\n===== ${new Date().toISOString()} storage format =====\n${r.stdout || ''}${r.stderr || ''}`);
    if (r.status !== 0) {
      const last = lastLine(`${r.stderr || ''}\n${r.stdout || ''}`) || r.error?.message || `exit code ${r.status}`;
      throw new Error(`kafka: storage format failed: ${last}; read ${rel(SERVICES.kafka.log)}`);
    }
  }

  const extra = (process.env.LOCAL_KAFKA_JAVA_OPTS || '').split(/\s+/).filter(Boolean);
  return {
    cmd: 'java',
    args: [
      '-Xmx512m',
      '-Xms256m',
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-Djava.awt.headless=true',
      `-Dlog4j2.configurationFile=${PATHS.kafkaLog4j}`,
      ...extra,
      '-cp',
      cp,
      'kafka.Kafka',
      props,
    ],
    env: {},
  };
}

function kafkaServerProperties({ port, controller, logDirs }) {
  return `# Generated by deploy/local/infra.mjs at every start: edits are overwritten.
# Single-node KRaft, combined broker+controller, static voter.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@${HOST}:${controller}
listeners=PLAINTEXT://${HOST}:${port},CONTROLLER://${HOST}:${controller}
advertised.listeners=PLAINTEXT://${HOST}:${port}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=${logDirs}
num.partitions=3
auto.create.topics.enable=true
default.replication.factor=1
min.insync.replicas=1
# Internal topics: one replica, or consumers get "group coordinator not available".
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=168
`;
}

function checkJava() {
  const r = spawnSync('java', ['-version'], { encoding: 'utf8', timeout: 30_000 });
  if (r.error && r.error.code === 'ENOENT') {
    throw new Error('java not found on PATH: install a Java 17+ runtime (it runs the local Kafka broker), or set KAFKA_BROKERS');
  }
  const m = /version "(\d+)(?:\.(\d+))?/.exec(`${r.stderr}${r.stdout}`);
  if (m) {
    const major = Number(m[1]) === 1 ? Number(m[2]) : Number(m[1]);
    if (major < 17) throw new Error(`java ${major} found on PATH, Kafka 4 needs Java 17+: install a newer runtime, or set KAFKA_BROKERS`);
  }
}

async function ensureKafkaLibs(log) {
  const pomHash = sha256([PATHS.kafkaPom]);
  const marker = path.join(PATHS.kafkaLibs, '.pom.sha256');
  if (readQuiet(marker)?.trim() === pomHash) return;

  const mvn = spawnSync('mvn', ['-v'], { encoding: 'utf8', timeout: 60_000 });
  if (mvn.error && mvn.error.code === 'ENOENT') {
    throw new Error(
      `mvn not found on PATH: install Maven 3.8+ (needed once to fetch the Kafka ${KAFKA_VERSION} jars into ${rel(PATHS.kafkaLibs)}), or set KAFKA_BROKERS`,
    );
  }
  const tmp = `${PATHS.kafkaLibs}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  const fetchLog = path.join(PATHS.logs, 'kafka-fetch.log');
  log(`kafka: fetching Kafka ${KAFKA_VERSION} jars with Maven (first start only; log: ${rel(fetchLog)})`);
  const code = await runToLog(
    'mvn',
    [
      '-B',
      '-q',
      '-Dstyle.color=never',
      '-f',
      PATHS.kafkaPom,
      'dependency:copy-dependencies',
      `-DoutputDirectory=${tmp}`,
      '-DincludeScope=runtime',
    ],
    { cwd: path.dirname(PATHS.kafkaPom), logFile: fetchLog },
  );
  if (code !== 0 || !fs.existsSync(path.join(tmp, `kafka_2.13-${KAFKA_VERSION}.jar`))) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw new Error(
      `kafka: mvn dependency:copy-dependencies failed (exit ${code}): ${lastLine(readQuiet(fetchLog) || '')}; read ${rel(fetchLog)}`,
    );
  }
  fs.writeFileSync(path.join(tmp, '.pom.sha256'), `${pomHash}\n`);
  fs.rmSync(PATHS.kafkaLibs, { recursive: true, force: true });
  fs.renameSync(tmp, PATHS.kafkaLibs);
}

/** A Kafka Uuid as `kafka-storage random-uuid` prints it: 16 random bytes, base64url, no padding. */
function newKafkaUuid() {
  for (;;) {
    const b = randomBytes(16);
    const s = b.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    if (!s.startsWith('-') && !b.equals(Buffer.alloc(16))) return s; // same rules as Uuid.randomUuid()
  }
}

// ---------------------------------------------------------------------------------------------
// FerretDB: build (go), command line

async function prepareFerretDB({ log, port }) {
  await ensureFerretBinary(log);
  fs.mkdirSync(PATHS.ferretData, { recursive: true });
  return {
    cmd: PATHS.ferretBin,
    args: ['-listen-addr', `${HOST}:${port}`, '-data-dir', PATHS.ferretData],
    // Go's collector at its default (GOGC=100) took ~12 % of the store's CPU under a deadline burst,
    // which decodes and re-encodes whole documents; at 400 the heap may grow to five times what is
    // live (tens of MB here) and the burst went from 102 to 127-133 submissions/s (docs/adr/0003). A
    // GOGC or GOMEMLIMIT in the environment wins.
    env: {
      FERRETDB_TELEMETRY: 'disable',
      DO_NOT_TRACK: '1',
      GOGC: process.env.GOGC ?? '400',
      GOMEMLIMIT: process.env.GOMEMLIMIT ?? '2GiB',
    },
  };
}

async function ensureFerretBinary(log) {
  const goFiles = fs
    .readdirSync(PATHS.ferretSrc)
    .filter((f) => f.endsWith('.go'))
    .sort();
  const sources = [...goFiles, 'go.mod', 'go.sum', 'patches.json'].map((f) => path.join(PATHS.ferretSrc, f));
  const hash = sha256(sources);
  const hashFile = `${PATHS.ferretBin}.sha256`;
  if (fs.existsSync(PATHS.ferretBin) && readQuiet(hashFile)?.trim() === hash) return;

  const go = spawnSync('go', ['version'], { encoding: 'utf8', timeout: 60_000 });
  if (go.error && go.error.code === 'ENOENT') {
    throw new Error('go not found on PATH: install Go 1.24+ (needed to build the local FerretDB into .local/bin), or set MONGODB_URI');
  }
  fs.mkdirSync(path.dirname(PATHS.ferretBin), { recursive: true });
  const tmp = `${PATHS.ferretBin}.tmp-${process.pid}`;
  const buildLog = path.join(PATHS.logs, 'ferretdb-build.log');
  log(`ferretdb: building ${rel(PATHS.ferretBin)} with go (first start only, ~1 min; log: ${rel(buildLog)})`);
  const modfile = patchedFerretModfile(path.join(LOCAL, 'build', 'ferretdb-patched'));
  const code = await runToLog('go', ['build', '-trimpath', `-modfile=${modfile}`, '-o', tmp, '.'], {
    cwd: PATHS.ferretSrc,
    logFile: buildLog,
  });
  if (code !== 0) {
    rmQuiet(tmp);
    throw new Error(`ferretdb: go build failed (exit ${code}): ${lastLine(readQuiet(buildLog) || '')}; read ${rel(buildLog)}`);
  }
  fs.renameSync(tmp, PATHS.ferretBin);
  fs.writeFileSync(hashFile, `${hash}\n`);
}

/**
 * Copies the FerretDB module into `dir`, applies ferretdb/patches.json to the copy, and writes a
 * go.mod that replaces the module with it (`go build -modfile`; Go refuses `-overlay` for files in
 * the module cache). Returns that go.mod's path. A patch whose text does not occur exactly as often as it says fails
 * the build (the module changed: review the patch).
 */
function patchedFerretModfile(dir) {
  const spec = JSON.parse(fs.readFileSync(path.join(PATHS.ferretSrc, 'patches.json'), 'utf8'));
  // Downloads the module if needed (the version go.mod requires) and says where it is.
  const dl = spawnSync('go', ['mod', 'download', '-json', spec.module], { cwd: PATHS.ferretSrc, encoding: 'utf8', timeout: 600_000 });
  let moduleDir;
  try {
    moduleDir = JSON.parse(dl.stdout).Dir;
  } catch {
    moduleDir = undefined;
  }
  if (dl.status !== 0 || !moduleDir)
    throw new Error(`ferretdb: go mod download ${spec.module} failed: ${lastLine(dl.stderr || dl.stdout || '')}`);
  const copy = path.join(dir, 'module');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(moduleDir, copy, { recursive: true });
  for (const [i, p] of spec.patches.entries()) {
    const file = path.join(copy, p.file);
    const text = fs.readFileSync(file, 'utf8');
    const occurrences = p.occurrences ?? 1;
    if (text.split(p.find).length !== occurrences + 1) {
      throw new Error(
        `ferretdb: patch ${i} (${p.file}): its text is not found exactly ${occurrences} time(s) in ${spec.module}; review deploy/local/ferretdb/patches.json`,
      );
    }
    fs.chmodSync(file, 0o644);
    fs.writeFileSync(
      file,
      text.replaceAll(p.find, () => p.replace),
    );
  }
  const modfile = path.join(dir, 'go.mod');
  fs.writeFileSync(modfile, `${fs.readFileSync(path.join(PATHS.ferretSrc, 'go.mod'), 'utf8')}\nreplace ${spec.module} => ${copy}\n`);
  fs.copyFileSync(path.join(PATHS.ferretSrc, 'go.sum'), path.join(dir, 'go.sum'));
  return modfile;
}

// ---------------------------------------------------------------------------------------------
// Health probes (raw protocol, node:net only)

/**
 * Kafka: ApiVersions v0 request; true if a response with our correlation id and error_code 0
 * arrives (the broker opens its client listener only once it is unfenced, i.e. usable),
 * false if something else answers or nothing does in time, null if nothing listens.
 */
export function probeKafka(host, port, timeoutMs = 2_000) {
  const clientId = Buffer.from('local-infra-probe');
  const correlationId = 0x1f2e3d4c;
  const req = Buffer.alloc(4 + 2 + 2 + 4 + 2 + clientId.length);
  let o = req.writeInt32BE(req.length - 4, 0);
  o = req.writeInt16BE(18, o); // api_key ApiVersions
  o = req.writeInt16BE(0, o); // api_version 0
  o = req.writeInt32BE(correlationId, o);
  o = req.writeInt16BE(clientId.length, o);
  clientId.copy(req, o);
  return exchange(host, port, req, timeoutMs, (buf) => {
    if (buf.length < 4) return undefined;
    const len = buf.readInt32BE(0);
    if (len < 6 || len > 1024 * 1024) return false; // not a Kafka response
    if (buf.length < 10) return undefined; // size, correlation_id, error_code
    return buf.readInt32BE(4) === correlationId && buf.readInt16BE(8) === 0;
  });
}

/**
 * MongoDB wire: OP_MSG {hello: 1, $db: 'admin'} (then isMaster for old servers); true if the
 * reply document has ok: 1, false if something else answers, null if nothing listens.
 */
export async function probeMongo(host, port, timeoutMs = 2_000) {
  for (const cmd of ['hello', 'isMaster']) {
    const ok = await exchange(host, port, opMsg({ [cmd]: 1, $db: 'admin' }), timeoutMs, (buf) => {
      if (buf.length < 4) return undefined;
      const len = buf.readInt32LE(0);
      if (len < 26 || len > 48 * 1024 * 1024) return false; // not a MongoDB wire message
      if (buf.length < len) return undefined;
      if (buf.readInt32LE(12) !== 2013 || buf.length < 26 || buf[20] !== 0) return false; // OP_MSG, section kind 0
      return bsonOk(buf, 21);
    });
    if (ok || ok === null) return ok; // null: nothing listens, no point in a second try
  }
  return false;
}

/** Sends `request`; `check(buf)` returns undefined for "need more bytes", else the verdict. null = no connection. */
function exchange(host, port, request, timeoutMs, check) {
  return new Promise((resolve) => {
    let buf = Buffer.alloc(0);
    let connected = false;
    let done = false;
    const sock = net.connect({ host, port });
    const finish = (v) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => finish(connected ? false : null), timeoutMs);
    sock.on('connect', () => {
      connected = true;
      sock.write(request);
    });
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      const v = check(buf);
      if (v !== undefined) finish(v);
    });
    sock.on('error', () => finish(connected ? false : null));
    sock.on('close', () => finish(connected ? false : null));
  });
}

function opMsg(doc) {
  const body = bsonEncode(doc);
  const msg = Buffer.alloc(16 + 4 + 1 + body.length);
  msg.writeInt32LE(msg.length, 0);
  msg.writeInt32LE(randomBytes(4).readInt32LE(0) & 0x7fffffff, 4); // requestID
  msg.writeInt32LE(0, 8); // responseTo
  msg.writeInt32LE(2013, 12); // OP_MSG
  msg.writeUInt32LE(0, 16); // flagBits
  msg[20] = 0; // section kind 0: body
  body.copy(msg, 21);
  return msg;
}

/** Minimal BSON encoder: int32 and string values only (enough for a hello command). */
function bsonEncode(doc) {
  const parts = [];
  for (const [k, v] of Object.entries(doc)) {
    const key = Buffer.from(`${k}\0`);
    if (typeof v === 'number' && Number.isInteger(v)) {
      const n = Buffer.alloc(4);
      n.writeInt32LE(v);
      parts.push(Buffer.from([0x10]), key, n);
    } else if (typeof v === 'string') {
      const s = Buffer.from(`${v}\0`);
      const n = Buffer.alloc(4);
      n.writeInt32LE(s.length);
      parts.push(Buffer.from([0x02]), key, n, s);
    } else {
      throw new Error(`bsonEncode: unsupported value for ${k}`);
    }
  }
  const content = Buffer.concat(parts);
  const out = Buffer.alloc(4 + content.length + 1);
  out.writeInt32LE(out.length, 0);
  content.copy(out, 4);
  return out;
}

/** Walks the top-level elements of the BSON document at `start`; true if `ok` is 1. */
function bsonOk(buf, start) {
  const end = start + buf.readInt32LE(start) - 1;
  let i = start + 4;
  while (i < end) {
    const type = buf[i++];
    const keyEnd = buf.indexOf(0, i);
    if (keyEnd < 0) return false;
    const key = buf.toString('utf8', i, keyEnd);
    i = keyEnd + 1;
    if (key === 'ok') {
      if (type === 0x01) return buf.readDoubleLE(i) === 1;
      if (type === 0x10) return buf.readInt32LE(i) === 1;
      if (type === 0x12) return buf.readBigInt64LE(i) === 1n;
      if (type === 0x08) return buf[i] === 1;
      return false;
    }
    const fixed = { 0x01: 8, 0x06: 0, 0x07: 12, 0x08: 1, 0x09: 8, 0x0a: 0, 0x10: 4, 0x11: 8, 0x12: 8, 0x13: 16, 0x7f: 0, 0xff: 0 };
    if (type in fixed) i += fixed[type];
    else if (type === 0x02 || type === 0x0d || type === 0x0e) i += 4 + buf.readInt32LE(i);
    else if (type === 0x03 || type === 0x04 || type === 0x0f) i += buf.readInt32LE(i);
    else if (type === 0x05) i += 4 + 1 + buf.readInt32LE(i);
    else if (type === 0x0b) i = buf.indexOf(0, buf.indexOf(0, i) + 1) + 1;
    else if (type === 0x0c) i += 4 + buf.readInt32LE(i) + 12;
    else return false;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Processes, files, locks

/** The service's pid if its pid file names a live process that looks like it; clears stale pid files. */
function ourPid(svc) {
  const pid = Number.parseInt(readQuiet(svc.pidFile) || '', 10);
  if (!pid) return null;
  if (pidAlive(pid)) {
    const cmdline = readQuiet(`/proc/${pid}/cmdline`);
    if (cmdline === null || cmdline.split('\0').join(' ').includes(svc.cmdMatch)) return pid;
  }
  rmQuiet(svc.pidFile); // stale: the process is gone (or the pid was reused by something else)
  return null;
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if (err.code !== 'EPERM') return false;
  }
  const stat = readQuiet(`/proc/${pid}/stat`); // zombies count as dead
  if (stat) {
    const state = stat.slice(stat.lastIndexOf(')') + 2).charAt(0);
    if (state === 'Z' || state === 'X') return false;
  }
  return true;
}

function signal(pid, sig) {
  try {
    process.kill(pid, sig);
  } catch {
    /* already gone */
  }
}

async function waitForExit(pid, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (pidAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(100);
  }
  return true;
}

function portOpen(host, port, timeoutMs = 1_000) {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    const finish = (v) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => finish(true), timeoutMs); // something accepted-but-silent or filtered
    sock.once('connect', () => finish(true));
    sock.once('error', () => finish(false));
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, HOST, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Cross-process start lock (.local/run/<name>.lock holding the owner's pid; stale locks are taken over). */
async function withLock(svc, fn) {
  fs.mkdirSync(PATHS.run, { recursive: true });
  const lockFile = path.join(PATHS.run, `${svc.name}.lock`);
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      fs.writeFileSync(lockFile, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      const owner = Number.parseInt(readQuiet(lockFile) || '', 10);
      let age = 0;
      try {
        age = Date.now() - fs.statSync(lockFile).mtimeMs;
      } catch {
        continue;
      }
      if ((owner && !pidAlive(owner)) || (!owner && age > 5_000)) {
        rmQuiet(lockFile);
        continue;
      }
      if (Date.now() >= deadline) {
        throw new Error(`${svc.name}: another start (pid ${owner}) holds ${rel(lockFile)}; gave up waiting`);
      }
      await sleep(250);
    }
  }
  try {
    return await fn();
  } finally {
    rmQuiet(lockFile);
  }
}

function openLog(svc, commandLine) {
  fs.mkdirSync(PATHS.logs, { recursive: true });
  try {
    if (fs.statSync(svc.log).size > LOG_ROTATE_BYTES) fs.renameSync(svc.log, `${svc.log}.1`);
  } catch {
    /* no log yet */
  }
  const fd = fs.openSync(svc.log, 'a');
  fs.writeSync(fd, `\n===== ${new Date().toISOString()} starting ${svc.name}: ${commandLine} =====\n`);
  return { fd, offset: fs.fstatSync(fd).size };
}

function tailLog(file, offset, lines) {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const from = Math.max(offset, size - 64 * 1024);
      const buf = Buffer.alloc(Math.max(0, size - from));
      fs.readSync(fd, buf, 0, buf.length, from);
      return buf.toString('utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return '';
  }
}

function runToLog(cmd, args, { cwd, logFile }) {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const fd = fs.openSync(logFile, 'w');
  fs.writeSync(fd, `$ ${cmd} ${args.join(' ')}\n`);
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', fd, fd] });
    fs.closeSync(fd);
    child.once('error', (err) => {
      fs.appendFileSync(logFile, `${err.message}\n`);
      resolve(-1);
    });
    child.once('exit', (code) => resolve(code === null ? -1 : code));
  });
}

function sha256(files) {
  const h = createHash('sha256');
  for (const f of files) {
    h.update(`${path.basename(f)}\0`);
    h.update(fs.readFileSync(f));
  }
  return h.digest('hex');
}

function readQuiet(file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function rmQuiet(file) {
  try {
    fs.rmSync(file, { force: true });
  } catch {
    /* ignore */
  }
}

function lastLine(text) {
  return (
    text
      .split('\n')
      // eslint-disable-next-line no-control-regex -- strips ANSI colour codes (ESC [ ... m) from log lines
      .map((l) => l.replace(/\x1b\[[0-9;]*m/g, '').trim())
      .filter(Boolean)
      .pop() || ''
  );
}

function pingDocker(target, timeoutMs) {
  return new Promise((resolve) => {
    const req = http.get({ ...target, path: '/_ping', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

function dockerInfo(timeoutMs) {
  return new Promise((resolve) => {
    execFile('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: timeoutMs }, (err) => resolve(!err));
  });
}

// ---------------------------------------------------------------------------------------------
// CLI

async function cli(argv) {
  const [command = 'help', ...rest] = argv;
  const names = rest.length ? rest : SERVICE_NAMES;
  names.forEach(service); // validates
  const log = (m) => process.stderr.write(`${m}\n`);

  if (command === 'start') {
    const t0 = Date.now();
    const r = await ensureInfra({ kafka: names.includes('kafka'), mongo: names.includes('ferretdb'), log });
    if (r.mode === 'docker') {
      throw new Error(
        'a Docker engine is reachable: run `docker compose up -d` (or the tests, which use testcontainers), or set INFRA_MODE=local to use the local toolchain',
      );
    }
    if (r.kafkaBrokers) process.stdout.write(`KAFKA_BROKERS=${r.kafkaBrokers}\n`);
    if (r.mongodbUri) process.stdout.write(`MONGODB_URI=${r.mongodbUri}\n`);
    log(`infra: ${r.mode} mode, started [${r.started.join(', ')}] in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    return 0;
  }
  if (command === 'stop') {
    const stopped = await stopInfra(names, { log });
    log(stopped.length ? `infra: stopped ${stopped.join(', ')}` : 'infra: nothing started by this project is running');
    return 0;
  }
  if (command === 'status') {
    const all = (await infraStatus()).filter((s) => names.includes(s.name));
    for (const s of all) {
      const state = s.running ? `running (pid ${s.pid})` : 'not started by this project';
      const health = s.healthy ? 'healthy' : s.healthy === null ? 'down' : 'unhealthy';
      process.stdout.write(`${s.name.padEnd(9)} ${s.address.padEnd(16)} ${health.padEnd(9)} ${state}; log ${rel(s.log)}\n`);
    }
    for (const v of ['KAFKA_BROKERS', 'MONGODB_URI']) if (process.env[v]) process.stdout.write(`(${v} is set: ${process.env[v]})\n`);
    return all.every((s) => s.healthy) ? 0 : 3;
  }
  process.stderr.write(
    'usage: node deploy/local/infra.mjs start|stop|status [kafka|ferretdb ...]\n' +
      '  env: KAFKA_BROKERS, MONGODB_URI, INFRA_MODE=auto|local|docker, LOCAL_KAFKA_PORT, LOCAL_KAFKA_CONTROLLER_PORT,\n' +
      '       LOCAL_MONGO_PORT, INFRA_READY_TIMEOUT_MS, LOCAL_KAFKA_JAVA_OPTS\n',
  );
  return command === 'help' || command === '--help' || command === '-h' ? 0 : 2;
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
  cli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`infra: ${err && err.message ? err.message : err}\n`);
      process.exit(1);
    },
  );
}

// Starts, watches and stops the six services as child processes. Used by `npm start`, the e2e
// tier and the benchmarks, so all three run the platform the same way.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { localKafkaAuthEnv } from '../../deploy/local/infra.mjs';
import { SERVICE_NODE_FLAGS } from './node-flags.mjs';
import { NODE24, ROOT } from './node24.mjs';

export const SERVICES = ['org-registry', 'reporting', 'evaluation', 'training', 'notifications', 'gateway'];
export const DEFAULT_PORTS = {
  gateway: 3000,
  'org-registry': 3001,
  reporting: 3002,
  evaluation: 3003,
  training: 3004,
  notifications: 3005,
};
/** The six ports from a base (gateway on the base, the services on base+1 .. base+5). */
export function platformPorts(base = 3000) {
  return Object.fromEntries(Object.entries(DEFAULT_PORTS).map(([service, port]) => [service, base + port - 3000]));
}
const DATABASES = {
  gateway: 'gateway',
  'org-registry': 'orgs',
  reporting: 'reporting',
  evaluation: 'evaluation',
  training: 'training',
  notifications: 'notifications',
};

/** Local secrets, made once per checkout and kept in .local/ (git-ignored), so tokens survive restarts. */
export function localSecrets() {
  const file = path.join(ROOT, '.local', 'secrets.json');
  if (existsSync(file)) {
    const kept = JSON.parse(readFileSync(file, 'utf8'));
    // Checkouts from before the gateway stored accounts lack the first administrator's password.
    if (!kept.BOOTSTRAP_ADMIN_PASSWORD) {
      kept.BOOTSTRAP_ADMIN_PASSWORD = randomBytes(18).toString('base64url');
      writeFileSync(file, JSON.stringify(kept, null, 2), { mode: 0o600 });
    }
    return kept;
  }
  const secrets = {
    AUTH_JWT_SECRET: randomBytes(32).toString('base64url'),
    INTERNAL_AUTH_SECRET: randomBytes(32).toString('base64url'),
    BOOTSTRAP_ADMIN_PASSWORD: randomBytes(18).toString('base64url'),
  };
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

/**
 * The environment of each service: what docker-compose.yml and the Kubernetes manifests set too.
 * `gateway` adds or overrides gateway variables (limits, OIDC) for tests and benchmarks.
 * `groupSuffix` follows the service's name in its consumer group (`<service><suffix>`): the ACLs
 * grant each service the groups and dead-letter topics its name begins (docs/adr/0025).
 * `kafkaAuth(service)` gives its KAFKA_SASL_* variables: by default its own principal on the local
 * broker of the selected pair (none when that broker has no users file).
 */
export function serviceEnvironments({
  kafkaBrokers,
  mongodbUri,
  secrets,
  ports = DEFAULT_PORTS,
  dbPrefix = '',
  groupSuffix = '',
  kafkaAuth = (service) => localKafkaAuthEnv(service),
  host = '127.0.0.1',
  logLevel = 'info',
  gateway = {},
}) {
  const envs = {};
  for (const service of SERVICES) {
    const env = {
      NODE_ENV: 'development',
      HTTP_HOST: host,
      HTTP_PORT: String(ports[service]),
      LOG_LEVEL: logLevel,
      INTERNAL_AUTH_SECRET: secrets.INTERNAL_AUTH_SECRET,
    };
    // Every service, the gateway included, has its own database and consumer group (docs/adr/0007).
    env.KAFKA_BROKERS = kafkaBrokers;
    env.MONGODB_URI = mongodbUri;
    env.MONGODB_DB = `${dbPrefix}${DATABASES[service]}`;
    env.KAFKA_GROUP_ID = `${service}${groupSuffix}`;
    Object.assign(env, kafkaAuth(service));
    if (service === 'gateway') {
      env.AUTH_JWT_SECRET = secrets.AUTH_JWT_SECRET;
      if (secrets.BOOTSTRAP_ADMIN_PASSWORD) env.BOOTSTRAP_ADMIN_PASSWORD = secrets.BOOTSTRAP_ADMIN_PASSWORD;
      for (const s of SERVICES.filter((x) => x !== 'gateway')) {
        env[`${s.toUpperCase().replace(/-/g, '_')}_URL`] = `http://${host}:${ports[s]}`;
      }
      Object.assign(env, gateway);
    }
    envs[service] = env;
  }
  return envs;
}

export function portInUse(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** The Node flags of a service's process (the same for all six; node-flags.mjs says why). */
export function serviceNodeArgs() {
  return [...SERVICE_NODE_FLAGS];
}

const preparedBrokers = new Set();

/**
 * The topics and ACLs of the contracts on the local broker (the kafka-topics job of the build as the
 * super user, `KAFKA_APPLY_ACLS=true`), once per broker and process: a service may only read topics
 * that exist, as it may create only its own (docs/adr/0025). Nothing to do for a broker without a
 * local users file (KAFKA_BROKERS given: its operator runs the job).
 */
export function prepareBroker(kafkaBrokers) {
  const admin = localKafkaAuthEnv('admin');
  if (!kafkaBrokers || !admin.KAFKA_SASL_USERNAME || preparedBrokers.has(kafkaBrokers)) return;
  const job = path.join(ROOT, 'apps', 'kafka-topics', 'dist', 'main.js');
  const env = { ...process.env, ...admin, KAFKA_BROKERS: kafkaBrokers, KAFKA_APPLY_ACLS: 'true', LOG_LEVEL: 'warn' };
  const r = spawnSync(NODE24, [job], { cwd: ROOT, env, encoding: 'utf8', timeout: 180_000 });
  if (r.status !== 0) {
    const last = `${r.stderr || ''}\n${r.stdout || ''}`.trim().split('\n').filter(Boolean).pop() ?? r.error?.message ?? `exit ${r.status}`;
    throw new Error(`the topics and ACLs job (apps/kafka-topics) failed: ${last}`);
  }
  preparedBrokers.add(kafkaBrokers);
}

/**
 * Spawns each service from its build (apps/<name>/dist/main.js) with stdout and stderr to
 * <logDir>/<name>.log (<name>-<replica>.log). Returns handles; `exited` resolves when the process ends.
 */
export function spawnServices(envs, { logDir = path.join(ROOT, '.local', 'logs'), only = SERVICES, replica = '' } = {}) {
  mkdirSync(logDir, { recursive: true });
  for (const service of only) prepareBroker(envs[service]?.KAFKA_BROKERS);
  const handles = [];
  for (const service of only) {
    // `replica` names a second instance of the same service (its own log, `<name>-<replica>.log`).
    const logFile = path.join(logDir, `${service}${replica ? `-${replica}` : ''}.log`);
    const out = createWriteStream(logFile, { flags: 'a' });
    // PB_CPU_PROF=<dir>: each service writes a V8 CPU profile there when it stops (where a benchmark's time goes).
    const profile = process.env.PB_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.PB_CPU_PROF}`] : [];
    const child = spawn(NODE24, [...serviceNodeArgs(service), ...profile, path.join(ROOT, 'apps', service, 'dist', 'main.js')], {
      cwd: ROOT,
      env: { ...process.env, ...envs[service] },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pipe(out);
    child.stderr.pipe(out);
    const stderrTail = [];
    child.stderr.on('data', (d) => {
      stderrTail.push(String(d));
      if (stderrTail.length > 20) stderrTail.shift();
    });
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    handles.push({
      service,
      replica,
      child,
      logFile,
      port: Number(envs[service].HTTP_PORT),
      host: envs[service].HTTP_HOST,
      exited,
      stderrTail,
    });
  }
  return handles;
}

/** Waits until every service answers /health/ready with 200; fails naming the service and its log. */
export async function waitReady(handles, { timeoutMs = 90_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  await Promise.all(
    handles.map(async (h) => {
      let exited = null;
      h.exited.then((e) => (exited = e));
      for (;;) {
        if (exited) {
          const cause = h.stderrTail.join('').trim().split('\n').filter(Boolean).pop() ?? `exit code ${exited.code}`;
          throw new Error(`${h.service} exited during start: ${cause}; read ${path.relative(ROOT, h.logFile)}`);
        }
        try {
          const host = h.host === '0.0.0.0' ? '127.0.0.1' : h.host;
          const res = await fetch(`http://${host}:${h.port}/health/ready`, { signal: AbortSignal.timeout(2_000) });
          if (res.ok) return;
        } catch {
          // not listening yet
        }
        if (Date.now() > deadline) {
          throw new Error(`${h.service} was not ready within ${Math.round(timeoutMs / 1000)}s; read ${path.relative(ROOT, h.logFile)}`);
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    }),
  );
}

/** SIGTERM to each service, SIGKILL after `graceMs`; resolves when all have exited. */
export async function stopServices(handles, { graceMs = 12_000 } = {}) {
  await Promise.all(
    handles.map(async (h) => {
      if (h.child.exitCode !== null || h.child.signalCode !== null) return;
      h.child.kill('SIGTERM');
      const timer = setTimeout(() => h.child.kill('SIGKILL'), graceMs);
      await h.exited;
      clearTimeout(timer);
    }),
  );
}

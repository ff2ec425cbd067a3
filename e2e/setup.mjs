// e2e globalSetup: the e2e tier's own broker and store (given, or started empty: ADR 0015), then the
// six built services on their own ports, databases and consumer groups, so an `npm start` running
// beside the tests is untouched.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { setupTier } from '../tools/jest/infra.setup.mjs';
import infraTeardown from '../tools/jest/infra.teardown.mjs';
import { build } from '../tools/scripts/build.mjs';
import { ROOT } from '../tools/scripts/node24.mjs';
import { SERVICES, portInUse, serviceEnvironments, spawnServices, stopServices, waitReady } from '../tools/scripts/services.mjs';

// E2E_PORT_BASE moves the six ports (base .. base+5), so two checkouts can test side by side.
const base = Number(process.env.E2E_PORT_BASE ?? 3100);
export const E2E_PORTS = {
  gateway: base,
  'org-registry': base + 1,
  reporting: base + 2,
  evaluation: base + 3,
  training: base + 4,
  notifications: base + 5,
};

export default async function setup() {
  await setupTier('e2e');
  try {
    await startServices();
  } catch (err) {
    await infraTeardown(); // jest runs no globalTeardown when globalSetup fails
    throw err;
  }
}

async function startServices() {
  if (!build().ok) throw new Error('the TypeScript build failed');
  const run = `e2e${randomBytes(3).toString('hex')}`;
  const secrets = {
    AUTH_JWT_SECRET: randomBytes(32).toString('base64url'),
    INTERNAL_AUTH_SECRET: randomBytes(32).toString('base64url'),
    BOOTSTRAP_ADMIN_PASSWORD: randomBytes(18).toString('base64url'),
  };
  // The bootstrap city administrator belongs to this run's city (the access matrix creates it).
  const adminUnit = `${run}-city`;
  const envs = serviceEnvironments({
    kafkaBrokers: process.env.KAFKA_BROKERS,
    mongodbUri: process.env.MONGODB_URI,
    secrets,
    ports: E2E_PORTS,
    dbPrefix: `${run}_`,
    groupSuffix: `-${run}`,
    logLevel: 'warn',
    // Limits high enough for the fuzzing run; the limits themselves are proven on a second gateway
    // with low settings (e2e/gateway-replica.e2e-spec.ts).
    gateway: { BOOTSTRAP_ADMIN_ORG_UNIT: adminUnit, RATE_LIMIT_PER_MINUTE: '100000', LOGIN_MAX_FAILURES_PER_IP: '100000' },
  });
  // A service left over from an earlier run would answer in place of this run's (with other secrets).
  for (const [service, port] of Object.entries(E2E_PORTS)) {
    if (await portInUse(port)) throw new Error(`port ${port} (${service}) is already in use; stop what holds it or set E2E_PORT_BASE`);
  }
  const handles = spawnServices(envs, { logDir: path.join(ROOT, '.local', 'logs', run) });
  globalThis.__PB_E2E__ = handles;
  try {
    await waitReady(handles, { timeoutMs: 120_000 });
  } catch (err) {
    // jest runs no globalTeardown when globalSetup fails: stop what was started here.
    await stopServices(handles);
    throw err;
  }
  process.env.E2E_RUN = run;
  process.env.E2E_GATEWAY_URL = `http://127.0.0.1:${E2E_PORTS.gateway}`;
  process.env.E2E_AUTH_JWT_SECRET = secrets.AUTH_JWT_SECRET;
  process.env.E2E_ADMIN = JSON.stringify({ username: 'admin', password: secrets.BOOTSTRAP_ADMIN_PASSWORD, orgUnitId: adminUnit });
  process.env.E2E_SERVICE_ENVS = JSON.stringify(envs);
  process.env.E2E_SERVICES = SERVICES.join(',');
  process.env.E2E_SPARE_PORT = String(base + 10);
}

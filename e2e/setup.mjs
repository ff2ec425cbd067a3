// e2e globalSetup: the broker and store (reused or started), then the six built services on their
// own ports, databases and consumer groups, so an `npm start` running beside the tests is untouched.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import infraSetup from '../tools/jest/infra.setup.mjs';
import { build } from '../tools/scripts/build.mjs';
import { ROOT } from '../tools/scripts/node24.mjs';
import { SERVICES, serviceEnvironments, spawnServices, stopServices, waitReady } from '../tools/scripts/services.mjs';

// E2E_PORT_BASE moves the six ports (base .. base+5), so two checkouts can test side by side.
const base = Number(process.env.E2E_PORT_BASE ?? 3100);
export const E2E_PORTS = { gateway: base, 'org-registry': base + 1, reporting: base + 2, evaluation: base + 3, training: base + 4, notifications: base + 5 };

export default async function setup() {
  await infraSetup();
  if (!build().ok) throw new Error('the TypeScript build failed');
  const run = `e2e${randomBytes(3).toString('hex')}`;
  const secrets = { AUTH_JWT_SECRET: randomBytes(32).toString('base64url'), INTERNAL_AUTH_SECRET: randomBytes(32).toString('base64url') };
  const envs = serviceEnvironments({
    kafkaBrokers: process.env.KAFKA_BROKERS,
    mongodbUri: process.env.MONGODB_URI,
    secrets,
    ports: E2E_PORTS,
    dbPrefix: `${run}_`,
    groupPrefix: `${run}-`,
    logLevel: 'warn',
  });
  const handles = spawnServices(envs, { logDir: path.join(ROOT, '.local', 'logs', run) });
  globalThis.__PB_E2E__ = handles;
  try {
    await waitReady(handles, { timeoutMs: 120_000 });
  } catch (err) {
    // jest skips globalTeardown when globalSetup throws: stop what was spawned, or it keeps the ports.
    await stopServices(handles);
    throw err;
  }
  process.env.E2E_RUN = run;
  process.env.E2E_GATEWAY_URL = `http://127.0.0.1:${E2E_PORTS.gateway}`;
  process.env.E2E_AUTH_JWT_SECRET = secrets.AUTH_JWT_SECRET;
  process.env.E2E_SERVICE_ENVS = JSON.stringify(envs);
  process.env.E2E_SERVICES = SERVICES.join(',');
  process.env.E2E_SPARE_PORT = String(base + 10);
}

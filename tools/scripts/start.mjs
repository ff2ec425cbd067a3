#!/usr/bin/env node
// `npm start`: install if needed, start the broker and store, build and start the six services,
// wait until all are ready, print where to look. A service that exits afterwards is restarted with
// backoff (tools/scripts/supervisor.mjs). Ctrl-C stops everything this command started.
// infra.mjs needs only Node built-ins, so it loads before the re-run on Node 24.
import { ensureInfra, startWithTestcontainers, stopInfra } from '../../deploy/local/infra.mjs';
import { ensureNode24, ROOT } from './node24.mjs';

ensureNode24(new URL(import.meta.url).pathname);

const { platformPorts, SERVICES, localSecrets, portInUse, serviceEnvironments, spawnServices, stopServices, waitReady } =
  await import('./services.mjs');
const { build } = await import('./build.mjs');
const { supervise } = await import('./supervisor.mjs');

const t0 = Date.now();
// PLATFORM_PORT_BASE moves the six ports (base .. base+5), so two checkouts can run side by side.
const PORTS = platformPorts(Number(process.env.PLATFORM_PORT_BASE ?? 3000));
const say = (m) => process.stdout.write(`${m}\n`);
let infra;
let handles = [];
let supervisor;
let stopping = false;

async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  say('stopping services...');
  if (supervisor) await supervisor.stop();
  else await stopServices(handles);
  if (infra?.stop) await infra.stop();
  else if (infra?.started?.length) {
    say(`stopping ${infra.started.join(' and ')}...`);
    await stopInfra(infra.started);
  }
  say('stopped.');
  process.exit(code);
}

function fail(message) {
  process.stderr.write(`npm start: ${message}\n`);
  return shutdown(1);
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  for (const service of SERVICES) {
    if (await portInUse(PORTS[service])) {
      await fail(`port ${PORTS[service]} (${service}) is already in use; stop what holds it (is another npm start running?)`);
    }
  }
  say('starting Kafka and the MongoDB-wire store...');
  infra = await ensureInfra({ log: (m) => say(`  ${m}`) });
  if (infra.mode === 'docker') infra = await startWithTestcontainers();
  say(`  Kafka ${infra.kafkaBrokers}, store ${infra.mongodbUri.replace(/\/\/[^@/]*@/, '//***@')} (${infra.mode})`);

  say('building...');
  const built = build();
  if (!built.ok) await fail('the TypeScript build failed (output above)');

  say('starting services...');
  const secrets = localSecrets();
  // BOOTSTRAP_ADMIN_PASSWORD from the environment wins over the generated one (used only while the account is missing).
  if (process.env.BOOTSTRAP_ADMIN_PASSWORD) secrets.BOOTSTRAP_ADMIN_PASSWORD = process.env.BOOTSTRAP_ADMIN_PASSWORD;
  const envs = serviceEnvironments({ kafkaBrokers: infra.kafkaBrokers, mongodbUri: infra.mongodbUri, secrets, ports: PORTS });
  handles = spawnServices(envs);
  // During this start an exit is a failure (bad configuration, port taken): say so and stop.
  for (const h of handles) {
    h.exited.then(({ code, signal }) => {
      if (!stopping && !supervisor)
        void fail(`${h.service} stopped during start (${signal ?? `exit ${code}`}); read .local/logs/${h.service}.log`);
    });
  }
  await waitReady(handles, { timeoutMs: Number(process.env.SERVICES_READY_TIMEOUT_MS ?? 90_000) });
  // From now on, as Kubernetes would: a service that exits (crash, SIGKILL, even exit 0) starts again, with backoff.
  supervisor = supervise(handles, {
    respawn: (service) => spawnServices(envs, { only: [service] })[0],
    stopHandles: (live) => stopServices(live),
    log: (m) => say(`[supervisor] ${m}`),
    onRestart: (service, handle) =>
      waitReady([handle], { timeoutMs: 120_000 }).then(
        () => say(`[supervisor] ${service} is ready again`),
        (err) => say(`[supervisor] ${service}: ${err.message}`),
      ),
  });
  const gateway = `http://localhost:${PORTS.gateway}`;
  const admin = { username: envs.gateway.BOOTSTRAP_ADMIN_USERNAME ?? 'admin', password: secrets.BOOTSTRAP_ADMIN_PASSWORD };
  say('');
  say(`all ${SERVICES.length} services ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  say(`  gateway     ${gateway}/api/v1`);
  say(`  Swagger UI  ${gateway}/docs`);
  say(`  OpenAPI     ${gateway}/docs/openapi.json`);
  say(`  logs        ${ROOT}/.local/logs/`);
  say('');
  // First run: the demo city (skipped when it is already there), then how to log in.
  const { seed, loginHelp } = await import('../seed/seed.mjs');
  loginHelp(await seed({ gateway }), gateway);
  say('');
  say('log in as the first city administrator (org unit "city"; password kept in .local/secrets.json):');
  say(`  username ${admin.username}`);
  say(`  password ${admin.password}`);
  say(`  TOKEN=$(curl -s -X POST ${gateway}/api/v1/auth/login -H 'content-type: application/json' \\`);
  say(
    `    -d '{"username":"${admin.username}","password":"${admin.password}"}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).accessToken')`,
  );
  say('  (access tokens live 15 minutes; POST /api/v1/auth/refresh with the refreshToken for new ones)');
  say('');
  say('A service that exits is restarted with backoff (logged here); Ctrl-C stops everything started here.');
} catch (err) {
  await fail(err instanceof Error ? err.message : String(err));
}

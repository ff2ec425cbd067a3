// `npm run bench -- messaging [options]`: the outbox -> Kafka -> consumer pipeline against raw
// kafkajs, and propagation latency at a steady rate (pipeline.ts, options listed there). Starts the
// broker and store it needs through deploy/local/infra.mjs (KAFKA_BROKERS / MONGODB_URI win) and
// stops what it started; runs pipeline.ts from source through tools/jest/ts-hooks.mjs.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureInfra, localKafkaAuthEnv, startWithTestcontainers, stopInfra } from '../../deploy/local/infra.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');

export async function run(args) {
  let infra = await ensureInfra({ log: (m) => process.stderr.write(`${m}\n`) });
  if (infra.mode === 'docker') infra = await startWithTestcontainers();
  const env = {
    ...process.env,
    KAFKA_BROKERS: infra.kafkaBrokers,
    MONGODB_URI: infra.mongodbUri,
    // The local broker's super user (docs/adr/0025); a broker from KAFKA_BROKERS brings its own KAFKA_SASL_*.
    ...(infra.mode === 'local' ? localKafkaAuthEnv('admin') : {}),
    BENCH_COMMAND: `npm run bench -- messaging ${args.join(' ')}`.trim(),
  };
  try {
    const hooks = path.join(root, 'tools', 'jest', 'ts-hooks.mjs');
    const r = spawnSync(process.execPath, ['--import', hooks, path.join(here, 'pipeline.ts'), ...args], {
      cwd: root,
      env,
      stdio: 'inherit',
    });
    if (r.status !== 0) process.exitCode = r.status ?? 1;
  } finally {
    if (infra.stop) await infra.stop();
    else if (infra.started?.length) await stopInfra(infra.started);
  }
}

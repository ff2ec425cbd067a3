// The platform as the benchmarks run it: the six services on ports from BENCH_PORT_BASE, fresh
// secrets, a database and consumer-group prefix of their own per run, and the gateway's limiter
// still counting every request but with its limit set above what any load reaches.
import { randomBytes } from 'node:crypto';
import { platformPorts, serviceEnvironments } from '../../tools/scripts/services.mjs';

export function benchPlatform(infra, runId, defaultPortBase) {
  const ports = platformPorts(Number(process.env.BENCH_PORT_BASE ?? defaultPortBase));
  const secrets = { AUTH_JWT_SECRET: randomBytes(32).toString('base64url'), INTERNAL_AUTH_SECRET: randomBytes(32).toString('base64url') };
  const envs = serviceEnvironments({
    kafkaBrokers: infra.kafkaBrokers,
    mongodbUri: infra.mongodbUri,
    secrets,
    ports,
    dbPrefix: `${runId}_`,
    groupPrefix: `${runId}-`,
    logLevel: 'warn',
    gateway: { RATE_LIMIT_PER_MINUTE: '100000000' },
  });
  return { ports, secrets, envs };
}

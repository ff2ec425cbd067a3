// Brings up the broker and store the integration and e2e tiers need, unless the caller already did
// (KAFKA_BROKERS / MONGODB_URI set: `npm test` sets them once for all tiers).
import { ensureInfra, startWithTestcontainers } from '../../deploy/local/infra.mjs';

export default async function setup() {
  if (process.env.KAFKA_BROKERS && process.env.MONGODB_URI) return;
  let infra = await ensureInfra({ log: (m) => process.stderr.write(`${m}\n`) });
  if (infra.mode === 'docker') infra = await startWithTestcontainers();
  process.env.KAFKA_BROKERS = infra.kafkaBrokers;
  process.env.MONGODB_URI = infra.mongodbUri;
  globalThis.__PB_INFRA__ = infra;
}

// Brings up the tier's own broker and store (tools/scripts/test-infra.mjs, ADR 0015) unless the caller
// gave them (KAFKA_BROKERS / MONGODB_URI set: `npm test` starts each tier's pair before its jest run).
// Tests read the addresses and the pair's LOCAL_* settings from the environment set here.
import { startTierInfra } from '../scripts/test-infra.mjs';

export async function setupTier(tier) {
  if (process.env.KAFKA_BROKERS && process.env.MONGODB_URI) {
    process.env.TEST_INFRA_MODE ??= 'env'; // given from outside, unless npm test started them
    return;
  }
  const infra = await startTierInfra(tier, { log: (m) => process.stderr.write(`${m}\n`) });
  Object.assign(process.env, infra.env);
  globalThis.__PB_INFRA__ = infra;
}

export default function setup() {
  return setupTier('integration');
}

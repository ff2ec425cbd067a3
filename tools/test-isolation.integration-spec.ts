import { describe, expect, it } from '@jest/globals';
import { PAIRS, PATHS, infraStatus } from '@pb/infra';
import { testPair } from './scripts/test-infra.mjs';

// ADR 0015: this tier's topics and databases live in a broker and store of its own, never in the
// platform's (`npm start`, .local/data) or the benchmarks'. Given from outside (KAFKA_BROKERS and
// MONGODB_URI), they are the operator's choice: nothing to check then.
const mode = process.env['TEST_INFRA_MODE'];
const given = mode === 'env';
const portOf = (address: string) => Number(new URL(address.includes('://') ? address : `kafka://${address}`).port);

describe('the integration tier’s broker and store', () => {
  it(
    given
      ? 'SKIPPED: KAFKA_BROKERS and MONGODB_URI were given from outside, so the operator chose where the test data goes'
      : 'are its own: started for this run (local pair or containers), on neither the platform’s nor the benchmarks’ ports',
    () => {
      if (given) return;
      expect(['local', 'docker']).toContain(mode);
      const kafkaPort = portOf(process.env['KAFKA_BROKERS'] ?? '');
      const mongoPort = portOf(process.env['MONGODB_URI'] ?? '');
      for (const other of [PAIRS.platform, PAIRS.bench]) {
        expect(kafkaPort).not.toBe(other.kafka);
        expect(mongoPort).not.toBe(other.mongo);
      }
    },
  );

  const itLocal = mode === 'local' ? it : it.skip;
  itLocal(
    `run from .local/test/integration, started by this run, on the tier's ports${mode === 'local' ? '' : ' (skipped: not the local pair)'}`,
    async () => {
      const pair = testPair('integration');
      expect(PATHS['state']).toBe(pair.dir);
      expect(PATHS['state']).not.toBe(PATHS['local']);
      expect(process.env['KAFKA_BROKERS']).toBe(`127.0.0.1:${pair.ports.kafka}`);
      expect(process.env['MONGODB_URI']).toBe(`mongodb://127.0.0.1:${pair.ports.mongo}/`);
      const status = await infraStatus();
      expect(status.map((s) => [s.name, s.running, s.healthy, s.address])).toEqual([
        ['kafka', true, true, `127.0.0.1:${pair.ports.kafka}`],
        ['ferretdb', true, true, `127.0.0.1:${pair.ports.mongo}`],
      ]);
    },
  );
});

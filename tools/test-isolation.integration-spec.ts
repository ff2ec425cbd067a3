import { describe, expect, it } from '@jest/globals';
import { PATHS, infraStatus } from '@pb/infra';
import { isolationProblems, testPair } from './scripts/test-infra.mjs';

// ADR 0015: this tier's topics and databases live in a broker and store of its own, never in the
// platform's (`npm start`, .local/data) or the benchmarks'. Given from outside (KAFKA_BROKERS and
// MONGODB_URI), they are the operator's choice: nothing to check then.
const mode = process.env['TEST_INFRA_MODE'];
const given = mode === 'env';

describe('the integration tier’s broker and store', () => {
  it(
    given
      ? 'SKIPPED: KAFKA_BROKERS and MONGODB_URI were given from outside, so the operator chose where the test data goes'
      : 'are its own: started for this run (local pair or containers), on none of the other pairs’ ports',
    () => {
      expect(isolationProblems('integration')).toEqual([]);
    },
  );

  const itLocal = mode === 'local' ? it : it.skip;
  itLocal(
    `run from .local/test/integration, started by this run, on the tier's ports${mode === 'local' ? '' : ' (skipped: not the local pair)'}`,
    async () => {
      const pair = testPair('integration');
      expect(PATHS['state']).toBe(pair.dir);
      expect(PATHS['state']).not.toBe(PATHS['local']);
      const status = await infraStatus();
      expect(status.map((s) => [s.name, s.running, s.healthy, s.address])).toEqual([
        ['kafka', true, true, `127.0.0.1:${pair.ports.kafka}`],
        ['ferretdb', true, true, `127.0.0.1:${pair.ports.mongo}`],
      ]);
    },
  );
});

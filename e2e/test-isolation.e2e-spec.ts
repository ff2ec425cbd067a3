import { describe, expect, it } from '@jest/globals';
import { isolationProblems } from '@pb/infra';
import { e2e } from './support/env.js';

// ADR 0015: the services this tier starts publish and store into the e2e tier's own broker and store,
// so `npm start` afterwards finds only its own topics and databases (issue 17: test fixtures showed
// up as the demo city's). Given from outside (KAFKA_BROKERS and MONGODB_URI): the operator's choice.
const given = process.env['TEST_INFRA_MODE'] === 'env';

describe('the e2e tier’s broker and store', () => {
  it.each(Object.keys(e2e.serviceEnvs).map((s) => [s]))(
    given
      ? 'SKIPPED: KAFKA_BROKERS and MONGODB_URI were given from outside (%s)'
      : '%s runs on the e2e tier’s own broker and store, none of the platform’s, the benchmarks’ or the integration tier’s',
    (service) => {
      const env = e2e.serviceEnvs[service] ?? {};
      expect(isolationProblems('e2e', { ...process.env, KAFKA_BROKERS: env['KAFKA_BROKERS'], MONGODB_URI: env['MONGODB_URI'] })).toEqual(
        [],
      );
    },
  );
});

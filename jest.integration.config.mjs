import { tier } from './tools/jest/base.mjs';

/** Integration tier: `*.integration-spec.ts` against the real broker and store (started if needed). */
export default {
  globalSetup: '<rootDir>/tools/jest/infra.setup.mjs',
  globalTeardown: '<rootDir>/tools/jest/infra.teardown.mjs',
  projects: tier('.integration-spec.ts', { slowTestThreshold: 30 }),
  testTimeout: 120_000,
};

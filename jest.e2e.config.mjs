import { common } from './tools/jest/base.mjs';

/** End-to-end tier: the six built services, through the gateway, on the real broker and store. */
export default {
  globalSetup: '<rootDir>/e2e/setup.mjs',
  globalTeardown: '<rootDir>/e2e/teardown.mjs',
  projects: [
    {
      ...common,
      displayName: 'e2e',
      roots: ['<rootDir>/e2e'],
      testMatch: ['**/*.e2e-spec.ts'],
      // Every answer from the gateway is checked against its OpenAPI document; a test that got one breaking it fails.
      setupFilesAfterEnv: ['<rootDir>/e2e/support/conformance-hook.ts'],
    },
  ],
  testTimeout: 180_000,
};

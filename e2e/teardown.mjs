import infraTeardown from '../tools/jest/infra.teardown.mjs';
import { stopServices } from '../tools/scripts/services.mjs';

export default async function teardown() {
  if (globalThis.__PB_E2E__) await stopServices(globalThis.__PB_E2E__);
  await infraTeardown();
}

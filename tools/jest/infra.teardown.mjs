/** Stops and removes only what this jest run's globalSetup started itself. */
export default async function teardown() {
  const infra = globalThis.__PB_INFRA__;
  if (!infra) return;
  globalThis.__PB_INFRA__ = undefined;
  await infra.stop();
}

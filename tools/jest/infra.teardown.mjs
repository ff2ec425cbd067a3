import { stopInfra } from '../../deploy/local/infra.mjs';

/** Stops only what this jest run started itself. */
export default async function teardown() {
  const infra = globalThis.__PB_INFRA__;
  if (!infra) return;
  if (typeof infra.stop === 'function') await infra.stop();
  else if (infra.started?.length) await stopInfra(infra.started);
}

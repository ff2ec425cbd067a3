import { gatewayEnv, loadConfig } from '@pb/platform';
import { str, type CleanedEnv } from 'envalid';

/** The gateway's variables: the platform's, plus what only the gateway reads. */
export const gatewayAppEnv = {
  ...gatewayEnv,
  ASYNCAPI_DOCUMENT: str({
    default: '',
    desc: 'Path of the AsyncAPI document served at /asyncapi; empty: docs/asyncapi/asyncapi.json of the repository (also in the image)',
  }),
};

export type GatewayConfig = CleanedEnv<typeof gatewayAppEnv>;

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return loadConfig(gatewayAppEnv, env);
}

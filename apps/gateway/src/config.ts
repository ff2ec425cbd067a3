import { gatewayEnv, loadConfig } from '@pb/platform';
import type { CleanedEnv } from 'envalid';

export type GatewayConfig = CleanedEnv<typeof gatewayEnv>;

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return loadConfig(gatewayEnv, env);
}

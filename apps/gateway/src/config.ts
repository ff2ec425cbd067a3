import { httpEnv, httpUrl, loadConfig, secret, type ServiceConfig } from '@pb/platform';
import type { CleanedEnv } from 'envalid';

/** The gateway's environment: its HTTP server, its token key, and where each service listens. */
export const gatewayEnv = {
  ...httpEnv,
  AUTH_JWT_SECRET: secret({ desc: 'HMAC key of the access tokens the gateway issues and verifies (sensitive)' }),
  ORG_REGISTRY_URL: httpUrl({ desc: 'Internal base URL of org-registry' }),
  REPORTING_URL: httpUrl({ desc: 'Internal base URL of reporting' }),
  EVALUATION_URL: httpUrl({ desc: 'Internal base URL of evaluation' }),
  TRAINING_URL: httpUrl({ desc: 'Internal base URL of training' }),
  NOTIFICATIONS_URL: httpUrl({ desc: 'Internal base URL of notifications' }),
};

export type GatewayConfig = CleanedEnv<typeof gatewayEnv>;
export type { ServiceConfig };

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return loadConfig(gatewayEnv, env);
}

import { gatewayEnv, loadConfig } from '@pb/platform';
import { num, str, type CleanedEnv } from 'envalid';

/** The gateway's variables: the platform's, plus what only the gateway reads. */
export const gatewayAppEnv = {
  ...gatewayEnv,
  ORG_UNIT_CACHE_MS: num({
    default: 1_000,
    desc: "How long a replica answers GET /api/v1/org-units/:id from org-registry's last answer, to callers in that unit's subtree; another replica's change shows after at most this long, its own at once. 0 forwards every time",
  }),
  SESSION_REVOCATION_CACHE_MS: num({
    default: 2_000,
    desc: 'How long a replica keeps the answer "this access token\'s session is (not) revoked"; a logout or refresh replay through another replica ends that session\'s access tokens after at most this long, through this one at once. 0 reads the store on every request',
  }),
  ASYNCAPI_DOCUMENT: str({
    default: '',
    desc: 'Path of the AsyncAPI document served at /asyncapi; empty: docs/asyncapi/asyncapi.json of the repository (also in the image)',
  }),
};

export type GatewayConfig = CleanedEnv<typeof gatewayAppEnv>;

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return loadConfig(gatewayAppEnv, env);
}

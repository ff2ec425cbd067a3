import { type DynamicModule, Module } from '@nestjs/common';
import { OrgUnitsReadModule, PlatformModule, storeAndBrokerOf } from '@pb/platform';
import { AuditModule } from './audit/audit.module.js';
import { AsyncApiModule } from './asyncapi/asyncapi.module.js';
import { defaultAsyncApiPath } from './asyncapi/asyncapi.document.js';
import type { GatewayConfig } from './config.js';
import { IdentityModule } from './identity/identity.module.js';
import type { IdentityConfig } from './identity/identity.config.js';
import { GATEWAY_ORG_UNIT_CACHE_MS, OrgUnitReads } from './org-units/org-unit-reads.js';
import { Forwarder } from './upstream/forward.js';
import { RouteForwardingController } from './upstream/route-forwarding.controller.js';
import { UPSTREAMS, UpstreamService, type UpstreamsConfig } from './upstream/upstream.service.js';

export function identityConfigOf(config: GatewayConfig): IdentityConfig {
  return {
    jwtSecret: config.AUTH_JWT_SECRET,
    accessTtlS: config.ACCESS_TOKEN_TTL_S,
    refreshTtlS: config.REFRESH_TOKEN_TTL_S,
    revocationCacheMs: config.SESSION_REVOCATION_CACHE_MS,
    throttle: {
      perAccount: config.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      perIp: config.LOGIN_MAX_FAILURES_PER_IP,
      windowS: config.LOGIN_THROTTLE_WINDOW_S,
    },
    ...(config.BOOTSTRAP_ADMIN_PASSWORD
      ? {
          bootstrap: {
            username: config.BOOTSTRAP_ADMIN_USERNAME,
            password: config.BOOTSTRAP_ADMIN_PASSWORD,
            orgUnitId: config.BOOTSTRAP_ADMIN_ORG_UNIT,
          },
        }
      : {}),
    ...(config.OIDC_JWKS_URL && config.OIDC_ISSUER
      ? {
          oidc: {
            jwksUrl: config.OIDC_JWKS_URL,
            issuer: config.OIDC_ISSUER,
            ...(config.OIDC_AUDIENCE ? { audience: config.OIDC_AUDIENCE } : {}),
            claimAccount: config.OIDC_CLAIM_ACCOUNT,
          },
        }
      : {}),
  };
}

@Module({})
export class GatewayModule {
  static register(config: GatewayConfig): DynamicModule {
    const upstreams: UpstreamsConfig = {
      urls: {
        'org-registry': config.ORG_REGISTRY_URL,
        reporting: config.REPORTING_URL,
        evaluation: config.EVALUATION_URL,
        training: config.TRAINING_URL,
        notifications: config.NOTIFICATIONS_URL,
      },
      internalSecret: config.INTERNAL_AUTH_SECRET,
      timeoutMs: 10_000,
    };
    return {
      module: GatewayModule,
      imports: [
        PlatformModule.forRoot({
          service: 'gateway',
          logLevel: config.LOG_LEVEL,
          auth: { mode: 'gateway', secret: config.AUTH_JWT_SECRET },
          // The identity store (accounts, sessions, keys, audit, org-tree read model) and the broker.
          ...storeAndBrokerOf(config),
          rateLimit: { limit: config.RATE_LIMIT_PER_MINUTE, windowMs: 60_000 },
          // Ready when its own store is (docs/adr/0024): never on the services it forwards to, whose
          // replicas it balances per request; an upstream that is down answers 503 upstream-unavailable
          // on its own routes, not on all of them.
        }),
        OrgUnitsReadModule,
        AuditModule,
        IdentityModule.register(identityConfigOf(config)),
        AsyncApiModule.register(config.ASYNCAPI_DOCUMENT || defaultAsyncApiPath()),
      ],
      controllers: [RouteForwardingController],
      providers: [
        { provide: UPSTREAMS, useValue: upstreams },
        UpstreamService,
        { provide: GATEWAY_ORG_UNIT_CACHE_MS, useValue: config.ORG_UNIT_CACHE_MS },
        OrgUnitReads,
        Forwarder,
      ],
    };
  }
}

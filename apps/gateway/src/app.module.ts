import { type DynamicModule, Module } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { PlatformModule, READINESS_CHECKS, type ReadinessCheck } from '@pb/platform';
import { AsyncApiModule } from './asyncapi/asyncapi.module.js';
import { defaultAsyncApiPath } from './asyncapi/asyncapi.document.js';
import type { GatewayConfig } from './config.js';
import { ContactPointsController } from './contact-points/contact-points.controller.js';
import { MembersController } from './members/members.controller.js';
import { MilestoneRulesController } from './milestone-rules/milestone-rules.controller.js';
import { OrgUnitsController } from './org-units/org-units.controller.js';
import { PartyOrgsController } from './party-orgs/party-orgs.controller.js';
import { ReportingController } from './reporting/reporting.controller.js';
import { Forwarder } from './upstream/forward.js';
import { UPSTREAMS, UpstreamService, type UpstreamName, type UpstreamsConfig } from './upstream/upstream.service.js';

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
          // The gateway owns no store; it is ready when the services it forwards to are.
          readiness: {
            provide: READINESS_CHECKS,
            inject: [HealthIndicatorService],
            useFactory: (health: HealthIndicatorService): ReadinessCheck[] =>
              (Object.entries(upstreams.urls) as [UpstreamName, string][]).map(([name, url]) => async () => {
                const indicator = health.check(name);
                try {
                  const res = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2_000) });
                  return res.ok ? indicator.up() : indicator.down({ message: `HTTP ${res.status}` });
                } catch (err) {
                  return indicator.down({ message: err instanceof Error ? err.message : String(err) });
                }
              }),
          },
        }),
        AsyncApiModule.register(config.ASYNCAPI_DOCUMENT || defaultAsyncApiPath()),
      ],
      controllers: [OrgUnitsController, PartyOrgsController, MembersController, MilestoneRulesController, ContactPointsController, ReportingController],
      providers: [{ provide: UPSTREAMS, useValue: upstreams }, UpstreamService, Forwarder],
    };
  }
}

import 'reflect-metadata';
import { bootOrExit, cursorSecretOf, runService } from '@pb/platform';
import { GatewayModule } from './app.module.js';
import { loadGatewayConfig } from './config.js';
import { serveGatewayOpenApi } from './openapi.js';
import { refuseUndeclaredMethods } from './upstream/method-not-allowed.js';

/** 网关 gateway: the one REST face of the platform for schools, bureaus and their systems. */
bootOrExit('gateway', async () => {
  const config = loadGatewayConfig();
  await runService(GatewayModule.register(config), {
    service: 'gateway',
    host: config.HTTP_HOST,
    port: config.HTTP_PORT,
    // It consumes org-registry's org-unit events (its read model) and every service's audit records.
    consume: true,
    shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
    drainMs: config.SHUTDOWN_DRAIN_MS,
    bodyLimitBytes: config.HTTP_BODY_LIMIT_BYTES,
    trustProxy: config.TRUST_PROXY,
    cursorSecret: cursorSecretOf(config),
    configure: async (app) => {
      await serveGatewayOpenApi(app);
      refuseUndeclaredMethods(app);
    },
  });
});

import 'reflect-metadata';
import { bootOrExit, runService } from '@pb/platform';
import { GatewayModule } from './app.module.js';
import { loadGatewayConfig } from './config.js';
import { serveOpenApi } from './openapi.js';

/** 網關 gateway: the one REST face of the platform for schools, bureaus and their systems. */
bootOrExit('gateway', async () => {
  const config = loadGatewayConfig();
  await runService(GatewayModule.register(config), {
    service: 'gateway',
    host: config.HTTP_HOST,
    port: config.HTTP_PORT,
    shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
    configure: (app) => serveOpenApi(app),
  });
});

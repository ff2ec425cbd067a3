import { type DynamicModule, Inject, Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { IDENTITY_RESOLVER, scopedModelProvider } from '@pb/platform';
import { OrgUnitDirectory } from '@pb/platform';
import { ACCOUNT_MODEL, AccountSchema } from './accounts/account.schema.js';
import { AccountsController } from './accounts/accounts.controller.js';
import { accountOwnership, AccountsService } from './accounts/accounts.service.js';
import { API_KEY_MODEL, ApiKeySchema } from './api-keys/api-key.schema.js';
import { ApiKeysController } from './api-keys/api-keys.controller.js';
import { apiKeyOwnership, ApiKeysService } from './api-keys/api-keys.service.js';
import { AuthController } from './auth/auth.controller.js';
import { CredentialResolver } from './auth/credential.resolver.js';
import { LOGIN_COUNTER_MODEL, LoginCounterSchema, LoginThrottle } from './auth/login-throttle.js';
import { OidcVerifier } from './auth/oidc.verifier.js';
import { IDENTITY_CONFIG, type IdentityConfig } from './identity.config.js';
import { SESSION_MODEL, SessionSchema } from './sessions/session.schema.js';
import { SessionsService } from './sessions/sessions.service.js';

/** Creates the bootstrap city administrator once the store is reachable (docs/adr/0007). */
class BootstrapAdmin implements OnApplicationBootstrap {
  private readonly logger = new Logger('Bootstrap');
  constructor(
    @Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig,
    @Inject(AccountsService) private readonly accounts: AccountsService,
  ) {}

  async onApplicationBootstrap() {
    if (!this.config.bootstrap) return;
    const outcome = await this.accounts.ensureBootstrapAdmin(this.config.bootstrap);
    if (outcome === 'exists') this.logger.log(`bootstrap account ${this.config.bootstrap.username} already exists`);
  }
}

/**
 * The gateway's identity store: accounts, refresh sessions, API keys, login throttling, and the
 * resolver the global AuthGuard uses to turn credentials into an identity.
 */
@Module({})
export class IdentityModule {
  static register(config: IdentityConfig): DynamicModule {
    return {
      module: IdentityModule,
      global: true,
      imports: [
        MongooseModule.forFeature([
          { name: ACCOUNT_MODEL, schema: AccountSchema },
          { name: SESSION_MODEL, schema: SessionSchema },
          { name: API_KEY_MODEL, schema: ApiKeySchema },
          { name: LOGIN_COUNTER_MODEL, schema: LoginCounterSchema },
        ]),
      ],
      controllers: [AuthController, AccountsController, ApiKeysController],
      providers: [
        { provide: IDENTITY_CONFIG, useValue: config },
        scopedModelProvider(ACCOUNT_MODEL, accountOwnership, [OrgUnitDirectory]),
        scopedModelProvider(API_KEY_MODEL, apiKeyOwnership, [OrgUnitDirectory]),
        AccountsService,
        SessionsService,
        ApiKeysService,
        LoginThrottle,
        OidcVerifier,
        CredentialResolver,
        BootstrapAdmin,
        { provide: IDENTITY_RESOLVER, useExisting: CredentialResolver },
      ],
      exports: [IDENTITY_RESOLVER, AccountsService],
    };
  }
}

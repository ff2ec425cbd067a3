import { type DynamicModule, Global, Module, type OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { NOTIFICATION_CATALOG, NOTIFICATIONS_OPTIONS, type NotificationsOptions } from './options.js';
import type { NotificationCatalog } from './rules/catalog.js';
import { ensureIndexes } from './store.js';

class StoreIndexes implements OnModuleInit {
  constructor(@InjectConnection() private readonly connection: Connection) {}
  async onModuleInit() {
    await ensureIndexes(this.connection);
  }
}

/** The service's options and catalog of rules, for every feature module, and the store's indexes. */
@Global()
@Module({})
export class NotificationsConfigModule {
  static register(options: NotificationsOptions, catalog: NotificationCatalog): DynamicModule {
    return {
      module: NotificationsConfigModule,
      providers: [
        { provide: NOTIFICATIONS_OPTIONS, useValue: options },
        { provide: NOTIFICATION_CATALOG, useValue: catalog },
        StoreIndexes,
      ],
      exports: [NOTIFICATIONS_OPTIONS, NOTIFICATION_CATALOG],
    };
  }
}

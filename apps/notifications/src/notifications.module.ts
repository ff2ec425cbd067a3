import { type DynamicModule, Module } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { type OnModuleInit } from '@nestjs/common';
import { OrgUnitsReadModule } from '@pb/platform';
import { EmailChannel } from './delivery/channels/email.channel.js';
import { WebhookChannel } from './delivery/channels/webhook.channel.js';
import { DeliveryWorker } from './delivery/delivery.worker.js';
import { Dispatcher } from './dispatch/dispatcher.js';
import { InboxController } from './inbox/inbox.controller.js';
import { InboxService } from './inbox/inbox.service.js';
import { DeliveryLogController } from './log/delivery-log.controller.js';
import { DeliveryLogService } from './log/delivery-log.service.js';
import { NOTIFICATION_CATALOG, NOTIFICATIONS_OPTIONS, type NotificationsOptions } from './options.js';
import { ProfilesService } from './recipients/profiles.service.js';
import { RecipientsController } from './recipients/recipients.controller.js';
import { defaultCatalog } from './rules/index.js';
import { NoticeEngine, rulesConsumer } from './rules/notice-engine.js';
import { NoticeScheduler } from './scheduler/notice-scheduler.js';
import { ensureIndexes } from './store.js';

class StoreIndexes implements OnModuleInit {
  constructor(@InjectConnection() private readonly connection: Connection) {}
  async onModuleInit() {
    await ensureIndexes(this.connection);
  }
}

/** 通知 Notifications: rules from events, scheduled reminders, inbox, e-mail, webhooks, delivery log. */
@Module({})
export class NotificationsModule {
  static register(options: NotificationsOptions): DynamicModule {
    const catalog = options.catalog ?? defaultCatalog();
    return {
      module: NotificationsModule,
      imports: [OrgUnitsReadModule],
      controllers: [InboxController, RecipientsController, DeliveryLogController, rulesConsumer(catalog.contracts())],
      providers: [
        { provide: NOTIFICATIONS_OPTIONS, useValue: options },
        { provide: NOTIFICATION_CATALOG, useValue: catalog },
        StoreIndexes,
        ProfilesService,
        Dispatcher,
        NoticeScheduler,
        NoticeEngine,
        EmailChannel,
        WebhookChannel,
        DeliveryWorker,
        InboxService,
        DeliveryLogService,
      ],
      exports: [NoticeScheduler, DeliveryWorker, NoticeEngine, Dispatcher, ProfilesService],
    };
  }
}

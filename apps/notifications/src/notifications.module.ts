import { type DynamicModule, Module } from '@nestjs/common';
import { OrgUnitsReadModule } from '@pb/platform';
import { DeliveryModule } from './delivery/delivery.module.js';
import { DispatchModule } from './dispatch/dispatch.module.js';
import { InboxModule } from './inbox/inbox.module.js';
import { DeliveryLogModule } from './log/delivery-log.module.js';
import { NotificationsConfigModule } from './notifications-config.module.js';
import type { NotificationsOptions } from './options.js';
import { RecipientsModule } from './recipients/recipients.module.js';
import { defaultCatalog } from './rules/index.js';
import { RulesModule } from './rules/rules.module.js';
import { SchedulerModule } from './scheduler/scheduler.module.js';

/** 通知 Notifications: rules from events, scheduled reminders, inbox, e-mail, webhooks, delivery log; one module per feature. */
@Module({})
export class NotificationsModule {
  static register(options: NotificationsOptions): DynamicModule {
    const catalog = options.catalog ?? defaultCatalog();
    const features = [
      RecipientsModule,
      DispatchModule,
      SchedulerModule,
      RulesModule.register(catalog),
      DeliveryModule,
      InboxModule,
      DeliveryLogModule,
    ];
    return {
      module: NotificationsModule,
      imports: [NotificationsConfigModule.register(options, catalog), OrgUnitsReadModule, ...features],
      exports: [RecipientsModule, DispatchModule, SchedulerModule, RulesModule, DeliveryModule],
    };
  }
}

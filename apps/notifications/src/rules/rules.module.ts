import { type DynamicModule, Module } from '@nestjs/common';
import { SchedulerModule } from '../scheduler/scheduler.module.js';
import type { NotificationCatalog } from './catalog.js';
import { NoticeEngine, rulesConsumer } from './notice-engine.js';

/** The rules: events of the catalog's topics become notices. */
@Module({})
export class RulesModule {
  static register(catalog: NotificationCatalog): DynamicModule {
    return {
      module: RulesModule,
      imports: [SchedulerModule],
      controllers: [rulesConsumer(catalog.contracts())],
      providers: [NoticeEngine],
      exports: [NoticeEngine],
    };
  }
}

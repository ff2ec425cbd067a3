import { Module } from '@nestjs/common';
import { DispatchModule } from '../dispatch/dispatch.module.js';
import { NoticeScheduler } from './notice-scheduler.js';

/** Notices kept until they are due (reminders), dispatched under a lease. */
@Module({ imports: [DispatchModule], providers: [NoticeScheduler], exports: [NoticeScheduler] })
export class SchedulerModule {}

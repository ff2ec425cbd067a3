import { Module } from '@nestjs/common';
import { DeliveryLogController } from './delivery-log.controller.js';
import { DeliveryLogService } from './delivery-log.service.js';

/** 投递日志 What was sent, retried, failed and read, in the caller's subtree. */
@Module({ controllers: [DeliveryLogController], providers: [DeliveryLogService] })
export class DeliveryLogModule {}

import { Routes } from '@pb/contracts';
import { Controller } from '@nestjs/common';
import { Handle, Call, type RouteCall } from '@pb/platform';
import { DeliveryLogService } from './delivery-log.service.js';

/** 投递日志 The delivery log of the caller's subtree, and one delivery's history. */
@Controller()
export class DeliveryLogController {
  constructor(private readonly log: DeliveryLogService) {}

  @Handle(Routes.getNotificationsDeliveryLog)
  list(@Call() call: RouteCall<typeof Routes.getNotificationsDeliveryLog>) {
    return this.log.list(call.identity, {
      limit: Number(call.query.limit),
      ...(call.query.kind ? { kind: call.query.kind } : {}),
      ...(call.query.channel ? { channel: call.query.channel } : {}),
      ...(call.query.unit ? { unit: call.query.unit } : {}),
      ...(call.query.category ? { category: call.query.category } : {}),
      ...(call.query.delivery ? { deliveryId: call.query.delivery } : {}),
      ...(call.query.cursor !== undefined ? { cursor: call.query.cursor } : {}),
    });
  }

  @Handle(Routes.getNotificationsDeliveriesOne)
  delivery(@Call() call: RouteCall<typeof Routes.getNotificationsDeliveriesOne>) {
    return this.log.delivery(call.identity, call.params.id);
  }
}

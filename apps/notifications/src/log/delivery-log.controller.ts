import { Routes } from '@pb/contracts';
import { Controller, Param, Query } from '@nestjs/common';
import { CurrentIdentity, problem, type Identity, Handle } from '@pb/platform';
import type { LogKind } from '../store.js';
import { DeliveryLogService } from './delivery-log.service.js';

const KINDS: LogKind[] = ['delivered', 'sent', 'retry', 'failed', 'read', 'archived'];

/** 投递日志 The delivery log of the caller's subtree, and one delivery's history. */
@Controller()
export class DeliveryLogController {
  constructor(private readonly log: DeliveryLogService) {}

  @Handle(Routes.getNotificationsDeliveryLog)
  list(
    @CurrentIdentity() caller: Identity,
    @Query('kind') kind?: string,
    @Query('channel') channel?: string,
    @Query('unit') unit?: string,
    @Query('category') category?: string,
    @Query('delivery') delivery?: string,
    @Query('cursor') cursor?: string,
    @Query('limit') limit?: number,
  ) {
    if (channel !== undefined && !(typeof channel === 'string' && ['inbox', 'email', 'webhook'].includes(channel))) {
      throw problem.validation({
        zh: 'channel 应为 inbox|email|webhook',
        en: 'channel must be one of inbox|email|webhook',
      });
    }
    if (kind && !KINDS.includes(kind as LogKind)) {
      throw problem.validation({
        zh: `kind 应为 ${KINDS.join('|')}`,
        en: `kind must be one of ${KINDS.join('|')}`,
      });
    }
    return this.log.list(caller, {
      limit: Number(limit),
      ...(kind ? { kind: kind as LogKind } : {}),
      ...(channel ? { channel } : {}),
      ...(unit ? { unit } : {}),
      ...(category ? { category } : {}),
      ...(delivery ? { deliveryId: delivery } : {}),
      ...(cursor !== undefined ? { cursor } : {}),
    });
  }

  @Handle(Routes.getNotificationsDeliveriesOne)
  delivery(@Param('id') id: string, @CurrentIdentity() caller: Identity) {
    return this.log.delivery(caller, id);
  }
}

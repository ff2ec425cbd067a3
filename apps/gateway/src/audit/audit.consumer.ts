import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { AuditWriteRecordedV1, type EventData } from '@pb/contracts';
import { OnEventBatch, type EventBatchItem } from '@pb/messaging';
import { AuditService } from './audit.service.js';

/**
 * Every service's writes, from the internal topic audit.writes.v1, into the gateway's audit log:
 * a run of records becomes one insert (a deadline burst brings one per submission).
 */
@Controller()
export class AuditConsumer {
  constructor(private readonly audit: AuditService) {}

  @OnEventBatch([AuditWriteRecordedV1])
  async onWritesRecorded(@Payload() items: EventBatchItem<EventData<typeof AuditWriteRecordedV1>>[]) {
    await this.audit.recordWrites(items.map((item) => item.data));
  }
}

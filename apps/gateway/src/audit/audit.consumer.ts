import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { AuditWriteRecordedV1, type EventData } from '@pb/contracts';
import { OnEvent } from '@pb/messaging';
import { AuditService } from './audit.service.js';

/** Every service's writes, from the internal topic audit.writes.v1, into the gateway's audit log. */
@Controller()
export class AuditConsumer {
  constructor(private readonly audit: AuditService) {}

  @OnEvent(AuditWriteRecordedV1)
  async onWriteRecorded(@Payload() data: EventData<typeof AuditWriteRecordedV1>) {
    await this.audit.recordWrite(data);
  }
}

import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { ReportExpectedV1, ReportSubmittedV1, type EventData } from '@pb/contracts';
import { OnEvent } from '@pb/messaging';
import { ComplianceService } from './compliance.service.js';

/** Keeps the compliance counters from reporting's own events (applied once per event by the ledger). */
@Controller()
export class ComplianceConsumer {
  constructor(private readonly compliance: ComplianceService) {}

  @OnEvent(ReportExpectedV1)
  async onExpected(@Payload() data: EventData<typeof ReportExpectedV1>) {
    await this.compliance.count(data.unitPath, data.periodId, { expected: 1 });
  }

  @OnEvent(ReportSubmittedV1)
  async onSubmitted(@Payload() data: EventData<typeof ReportSubmittedV1>) {
    await this.compliance.count(data.unitPath, data.periodId, { actual: 1, onTime: data.timeliness === 'on-time' ? 1 : 0 });
  }
}

import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { ReportExpectedV1, ReportSubmittedV1, type EventData } from '@pb/contracts';
import { OnEventBatch, type EventBatchItem } from '@pb/messaging';
import { ComplianceService, type ComplianceIncrement } from './compliance.service.js';

type CounterEvent = EventData<typeof ReportExpectedV1> | EventData<typeof ReportSubmittedV1>;

/**
 * Keeps the compliance counters from reporting's own events. A deadline burst brings a report
 * expected and submitted per school: the transport hands them over in runs, and each run becomes
 * one write per counter (school, county, city) instead of one per event and unit.
 */
@Controller()
export class ComplianceConsumer {
  constructor(private readonly compliance: ComplianceService) {}

  @OnEventBatch([ReportExpectedV1, ReportSubmittedV1])
  async onCounterEvents(@Payload() items: EventBatchItem<CounterEvent>[]) {
    await this.compliance.countRun(items.map((item) => increment(item)));
  }
}

function increment({ data, event, record }: EventBatchItem<CounterEvent>): ComplianceIncrement {
  const inc =
    event.type === ReportExpectedV1.type
      ? { expected: 1 }
      : { actual: 1, onTime: (data as EventData<typeof ReportSubmittedV1>).timeliness === 'on-time' ? 1 : 0 };
  return { unitPath: data.unitPath, periodId: data.periodId, inc, partition: record.partition, offset: Number(record.offset) };
}

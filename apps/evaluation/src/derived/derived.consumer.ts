import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  MemberMilestoneRecordedV1,
  MemberRegisteredV1,
  MemberTransferredV1,
  ReportExpectedV1,
  ReportOverdueV1,
  ReportSubmittedV1,
  TrainingAssessedV1,
  TrainingCertifiedV1,
  TrainingEnrolledV1,
  TrainingSessionAttendedV1,
  type EventData,
} from '@pb/contracts';
import { OnEventBatch, type EventBatchItem } from '@pb/messaging';
import { DerivedFactsService } from './derived-facts.service.js';
import type { MemberEvent, ReportEvent } from './derived-facts.writer.js';

const REPORT_TYPES: Record<string, ReportEvent['type']> = {
  [ReportExpectedV1.type]: 'expected',
  [ReportSubmittedV1.type]: 'submitted',
  [ReportOverdueV1.type]: 'overdue',
};

/**
 * Feeds the derived indicators from the event streams only (reporting's reports, org-registry's
 * members, training's records); evaluation calls no other service (docs/adr/0022). Each topic's
 * events come in runs (a replay from offset 0 in runs of 500): one run is a few bulk writes of facts
 * and one recount per tally it touched.
 */
@Controller()
export class DerivedFactsConsumer {
  constructor(private readonly facts: DerivedFactsService) {}

  @OnEventBatch([ReportExpectedV1, ReportSubmittedV1, ReportOverdueV1])
  onReports(@Payload() items: EventBatchItem<ReportEvent['data']>[]) {
    return this.facts.applyReports(items.map(({ data, event }) => ({ type: REPORT_TYPES[event.type], data }) as ReportEvent));
  }

  @OnEventBatch([MemberRegisteredV1, MemberMilestoneRecordedV1, MemberTransferredV1])
  async onMembers(@Payload() items: EventBatchItem<MemberEvent['data']>[]) {
    await this.facts.applyMembers(items.map(({ data, event }) => ({ data, eventId: event.id })));
  }

  @OnEventBatch([TrainingEnrolledV1, TrainingSessionAttendedV1, TrainingAssessedV1, TrainingCertifiedV1])
  async onTraining(@Payload() items: EventBatchItem<EventData<typeof TrainingEnrolledV1>>[]) {
    await this.facts.applyTraining(
      items.map(({ data, event }) => ({ data, eventId: event.id, certified: event.type === TrainingCertifiedV1.type })),
    );
  }
}

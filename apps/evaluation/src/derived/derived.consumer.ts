import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
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
import { CloudEventContext, OnEvent, OnEventBatch, type EventBatchItem } from '@pb/messaging';
import { DerivedFactsService } from './derived-facts.service.js';

type MemberState = EventData<typeof MemberRegisteredV1>;

/**
 * Feeds the derived indicators from the event streams only (reporting's reports, org-registry's
 * members, training's records); evaluation calls no other service (docs/adr/0022).
 */
@Controller()
export class DerivedFactsConsumer {
  constructor(private readonly facts: DerivedFactsService) {}

  @OnEvent(ReportExpectedV1)
  onExpected(@Payload() data: EventData<typeof ReportExpectedV1>) {
    return this.facts.expected(data);
  }

  @OnEvent(ReportSubmittedV1)
  onSubmitted(@Payload() data: EventData<typeof ReportSubmittedV1>) {
    return this.facts.submitted(data);
  }

  @OnEvent(ReportOverdueV1)
  onOverdue(@Payload() data: EventData<typeof ReportOverdueV1>) {
    return this.facts.overdue(data);
  }

  @OnEvent(MemberRegisteredV1, { idempotency: 'effect' })
  onMemberRegistered(@Payload() data: MemberState, @Ctx() ctx: CloudEventContext) {
    return this.facts.member(data, ctx.event.id);
  }

  @OnEvent(MemberMilestoneRecordedV1, { idempotency: 'effect' })
  onMilestone(@Payload() data: EventData<typeof MemberMilestoneRecordedV1>, @Ctx() ctx: CloudEventContext) {
    return this.facts.member(data, ctx.event.id);
  }

  @OnEvent(MemberTransferredV1, { idempotency: 'effect' })
  onTransferred(@Payload() data: EventData<typeof MemberTransferredV1>, @Ctx() ctx: CloudEventContext) {
    return this.facts.member(data, ctx.event.id);
  }

  /** An enrolment's events, a run at a time (an import's batch brings hundreds): one write per enrolment. */
  @OnEventBatch([TrainingEnrolledV1, TrainingSessionAttendedV1, TrainingAssessedV1, TrainingCertifiedV1])
  onTrainingRecords(@Payload() items: EventBatchItem<EventData<typeof TrainingEnrolledV1>>[]) {
    return this.facts.trainingRun(
      items.map(({ data, event }) => ({ data, eventId: event.id, certified: event.type === TrainingCertifiedV1.type })),
    );
  }
}

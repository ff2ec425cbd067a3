import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  AssessmentLockedV1,
  AssessmentScoredV1,
  MemberMilestoneRecordedV1,
  MemberRegisteredV1,
  MemberTransferredV1,
  ReportExpectedV1,
  ReportOverdueV1,
  ReportSubmittedV1,
  TrainingAssessedV1,
  TrainingCertifiedV1,
  TrainingEnrolledV1,
  SchemeChangedV1,
  TrainingSessionAttendedV1,
  type EventData,
  type SchemeKind,
} from '@pb/contracts';
import { OnEventBatch, type EventBatchItem } from '@pb/messaging';
import { AssessmentsService } from '../assessments/assessments.service.js';
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
  constructor(
    private readonly facts: DerivedFactsService,
    private readonly assessments: AssessmentsService,
  ) {}

  @OnEventBatch([ReportExpectedV1, ReportSubmittedV1, ReportOverdueV1])
  async onReports(@Payload() items: EventBatchItem<ReportEvent['data']>[]) {
    const touched = await this.facts.applyReports(
      items.map(({ data, event }) => ({ type: REPORT_TYPES[event.type], data }) as ReportEvent),
    );
    await this.assessments.refreshTouched(touched);
  }

  @OnEventBatch([MemberRegisteredV1, MemberMilestoneRecordedV1, MemberTransferredV1])
  async onMembers(@Payload() items: EventBatchItem<MemberEvent['data']>[]) {
    const touched = await this.facts.applyMembers(items.map(({ data, event }) => ({ data, eventId: event.id })));
    await this.assessments.refreshTouched(touched);
  }

  @OnEventBatch([TrainingEnrolledV1, TrainingSessionAttendedV1, TrainingAssessedV1, TrainingCertifiedV1])
  async onTraining(@Payload() items: EventBatchItem<EventData<typeof TrainingEnrolledV1>>[]) {
    const touched = await this.facts.applyTraining(
      items.map(({ data, event }) => ({ data, eventId: event.id, certified: event.type === TrainingCertifiedV1.type })),
    );
    await this.assessments.refreshTouched(touched);
  }

  /**
   * Evaluation's own assessment events write their score-table rows again: the row an assessment write
   * puts after itself is not lost to a crash between the two (the outbox still publishes the event).
   */
  @OnEventBatch([AssessmentScoredV1, AssessmentLockedV1])
  async onAssessments(@Payload() items: EventBatchItem<{ assessmentId: string }>[]) {
    await this.assessments.refreshRows([...new Set(items.map((i) => i.data.assessmentId))]);
  }

  /** A scheme edit moves the totals of its kind and year scored under the current version. */
  @OnEventBatch([SchemeChangedV1])
  async onSchemes(@Payload() items: EventBatchItem<EventData<typeof SchemeChangedV1>>[]) {
    for (const key of new Set(items.map((i) => `${i.data.kind}:${i.data.year}`))) {
      const [kind, year] = key.split(':');
      await this.assessments.refreshScheme(kind as SchemeKind, Number(year));
    }
  }
}

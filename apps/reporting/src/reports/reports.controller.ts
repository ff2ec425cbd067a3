import { Controller } from '@nestjs/common';
import { Routes } from '@pb/contracts';
import { Handle, Call, pageRequest, replayAnswer, type RouteCall } from '@pb/platform';
import { ReportsService } from './reports.service.js';

/** 半月记实表 half-month record forms: draft, submit, review, lock exceptions, review queue. */
@Controller()
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Handle(Routes.getReportsReviewQueue)
  queue(@Call() call: RouteCall<typeof Routes.getReportsReviewQueue>) {
    return this.reports.reviewQueue(call.identity, call.query.period, pageRequest(call.query, 2));
  }

  @Handle(Routes.getReportsOne)
  async get(@Call() call: RouteCall<typeof Routes.getReportsOne>) {
    return call.versioned(await this.reports.get(call.params.partyOrgId, call.params.periodId, call.identity));
  }

  @Handle(Routes.putReportsDraft)
  async saveDraft(@Call() call: RouteCall<typeof Routes.putReportsDraft>) {
    return call.versioned(
      await this.reports.saveDraft(
        call.params.partyOrgId,
        call.params.periodId,
        call.body.content,
        call.identity,
        call.ifMatch,
        call.requestId,
      ),
    );
  }

  @Handle(Routes.getReportsHistory)
  history(@Call() call: RouteCall<typeof Routes.getReportsHistory>) {
    // The cursor is read once the report is known to be the caller's: an unknown report is a 404 whatever the cursor.
    return this.reports.historyPage(
      call.params.partyOrgId,
      call.params.periodId,
      call.identity,
      () => pageRequest(call.query),
      call.query.kind,
    );
  }

  /** A retry with the same Idempotency-Key (present: checked before this runs) gets the first answer again. */
  @Handle(Routes.postReportsSubmit)
  async submit(@Call() call: RouteCall<typeof Routes.postReportsSubmit>) {
    const outcome = await this.reports.submit(
      call.params.partyOrgId,
      call.params.periodId,
      call.body.content,
      call.identity,
      call.idempotency!,
      call.requestId,
      call.ifMatch,
    );
    if ('replay' in outcome) return replayAnswer(call.reply, outcome.replay);
    return call.versioned(outcome.report);
  }

  @Handle(Routes.postReportsReviews)
  async review(@Call() call: RouteCall<typeof Routes.postReportsReviews>) {
    return call.versioned(
      await this.reports.review(call.params.partyOrgId, call.params.periodId, call.body, call.identity, call.requestId, call.ifMatch),
    );
  }

  @Handle(Routes.postReportsLockExceptions)
  async grant(@Call() call: RouteCall<typeof Routes.postReportsLockExceptions>) {
    return this.reports.grantLockException(
      call.params.partyOrgId,
      call.params.periodId,
      new Date(call.body.until),
      call.body.reason,
      call.identity,
      call.requestId,
    );
  }
}

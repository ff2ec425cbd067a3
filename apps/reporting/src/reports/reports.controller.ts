import { Controller } from '@nestjs/common';
import { Routes } from '@pb/contracts';
import { Handle, Call, pageRequest, type RouteCall } from '@pb/platform';
import { createHash } from 'node:crypto';
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

  /** A retry with the same Idempotency-Key (checked against the entry before this runs) returns the first result. */
  @Handle(Routes.postReportsSubmit)
  async submit(@Call() call: RouteCall<typeof Routes.postReportsSubmit>) {
    const requestHash = createHash('sha256').update(JSON.stringify(call.body)).digest('hex');
    const result = await this.reports.submit(
      call.params.partyOrgId,
      call.params.periodId,
      call.body.content,
      call.identity,
      { key: call.idempotencyKey!, requestHash },
      call.requestId,
      call.ifMatch,
    );
    if (result.replayed) void call.reply.header('idempotent-replayed', 'true');
    return call.versioned(result.report);
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

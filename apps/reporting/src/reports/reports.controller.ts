import { Body, Controller, Headers, Param, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type LockExceptionDto, type ReviewReportDto, type SaveReportDraftDto, type SubmitReportDto, Routes } from '@pb/contracts';
import { CurrentIdentity, problem, withEtag, type Identity, Handle } from '@pb/platform';
import { createHash } from 'node:crypto';
import { ReportsService } from './reports.service.js';

/** 半月记实表 half-month record forms: draft, submit, review, lock exceptions, review queue. */
@Controller()
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Handle(Routes.getReportsReviewQueue)
  queue(@CurrentIdentity() caller: Identity, @Query('period') period?: string, @Query('limit') limit?: string) {
    const n = Math.min(Math.max(Number(limit ?? 100) || 100, 1), 500);
    return this.reports.reviewQueue(caller, period, n);
  }

  @Handle(Routes.getReportsOne)
  async get(
    @Param('partyOrgId') partyOrgId: string,
    @Param('periodId') periodId: string,
    @CurrentIdentity() caller: Identity,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.reports.get(partyOrgId, periodId, caller));
  }

  @Handle(Routes.putReportsDraft)
  async saveDraft(
    @Param('partyOrgId') partyOrgId: string,
    @Param('periodId') periodId: string,
    @Body() body: SaveReportDraftDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.reports.saveDraft(partyOrgId, periodId, body.content, caller, ifMatch, req.id));
  }

  /** A retry with the same Idempotency-Key returns the first result and never submits twice. */
  @Handle(Routes.postReportsSubmit)
  async submit(
    @Param('partyOrgId') partyOrgId: string,
    @Param('periodId') periodId: string,
    @Body() body: SubmitReportDto,
    @Headers('idempotency-key') key: string | undefined,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (!key) {
      throw problem.idempotencyKeyRequired({
        zh: '报送请求需要 Idempotency-Key 标头',
        en: 'Submitting needs an Idempotency-Key header',
      });
    }
    if (!/^[A-Za-z0-9._:-]{8,128}$/.test(key)) {
      throw problem.validation({ zh: 'Idempotency-Key 格式无效', en: 'Invalid Idempotency-Key' }, [
        {
          pointer: '/headers/idempotency-key',
          rule: 'pattern',
          message: { zh: '应为 8-128 个字母、数字或 ._:-', en: 'must be 8-128 letters, digits or ._:-' },
        },
      ]);
    }
    const requestHash = createHash('sha256').update(JSON.stringify(body)).digest('hex');
    const result = await this.reports.submit(partyOrgId, periodId, body.content, caller, { key, requestHash }, req.id, ifMatch);
    if (result.replayed) void reply.header('idempotent-replayed', 'true');
    return withEtag(reply, result.report);
  }

  @Handle(Routes.postReportsReviews)
  async review(
    @Param('partyOrgId') partyOrgId: string,
    @Param('periodId') periodId: string,
    @Body() body: ReviewReportDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.reports.review(partyOrgId, periodId, body, caller, req.id, ifMatch));
  }

  @Handle(Routes.postReportsLockExceptions)
  async grant(
    @Param('partyOrgId') partyOrgId: string,
    @Param('periodId') periodId: string,
    @Body() body: LockExceptionDto,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
  ) {
    return this.reports.grantLockException(partyOrgId, periodId, new Date(body.until), body.reason, caller, req.id);
  }
}

import { Body, Controller, Get, Headers, HttpCode, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  LockExceptionSchema,
  ReviewReportSchema,
  SaveReportDraftSchema,
  SubmitReportSchema,
  type LockExceptionDto,
  type ReviewReportDto,
  type SaveReportDraftDto,
  type SubmitReportDto,
} from '@pb/contracts';
import { CurrentIdentity, problem, Roles, SchemaPipe, withEtag, type Identity } from '@pb/platform';
import { createHash } from 'node:crypto';
import { ReportsService } from './reports.service.js';

/** 半月记实表 half-month record forms: draft, submit, review, lock exceptions, review queue. */
@Controller('api/v1/reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get('review-queue')
  @Roles('city-admin', 'county-admin')
  queue(@CurrentIdentity() caller: Identity, @Query('period') period?: string, @Query('limit') limit?: string) {
    const n = Math.min(Math.max(Number(limit ?? 100) || 100, 1), 500);
    return this.reports.reviewQueue(caller, period, n);
  }

  @Get(':partyOrgId/:periodId')
  @Roles('city-admin', 'county-admin', 'school-secretary', 'inspector')
  async get(
    @Param('partyOrgId') partyOrgId: string,
    @Param('periodId') periodId: string,
    @CurrentIdentity() caller: Identity,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.reports.get(partyOrgId, periodId, caller));
  }

  @Put(':partyOrgId/:periodId/draft')
  @Roles('school-secretary')
  async saveDraft(
    @Param('partyOrgId') partyOrgId: string,
    @Param('periodId') periodId: string,
    @Body(new SchemaPipe<SaveReportDraftDto>(SaveReportDraftSchema)) body: SaveReportDraftDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.reports.saveDraft(partyOrgId, periodId, body.content, caller, ifMatch, req.id));
  }

  /** A retry with the same Idempotency-Key returns the first result and never submits twice. */
  @Post(':partyOrgId/:periodId/submit')
  @Roles('school-secretary')
  @HttpCode(200)
  async submit(
    @Param('partyOrgId') partyOrgId: string,
    @Param('periodId') periodId: string,
    @Body(new SchemaPipe<SubmitReportDto>(SubmitReportSchema)) body: SubmitReportDto,
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

  @Post(':partyOrgId/:periodId/reviews')
  @Roles('city-admin', 'county-admin')
  @HttpCode(200)
  async review(
    @Param('partyOrgId') partyOrgId: string,
    @Param('periodId') periodId: string,
    @Body(new SchemaPipe<ReviewReportDto>(ReviewReportSchema)) body: ReviewReportDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.reports.review(partyOrgId, periodId, body, caller, req.id, ifMatch));
  }

  @Post(':partyOrgId/:periodId/lock-exceptions')
  @Roles('city-admin', 'county-admin')
  @HttpCode(200)
  async grant(
    @Param('partyOrgId') partyOrgId: string,
    @Param('periodId') periodId: string,
    @Body(new SchemaPipe<LockExceptionDto>(LockExceptionSchema)) body: LockExceptionDto,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
  ) {
    return this.reports.grantLockException(partyOrgId, periodId, new Date(body.until), body.reason, caller, req.id);
  }
}

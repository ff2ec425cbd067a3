import { Body, Controller, Get, Param, Post, Put, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LockExceptionSchema, ReportingCalendarSchema, ReviewReportSchema, SaveReportDraftSchema, SubmitReportSchema } from '@pb/contracts';
import { ALL_ROLES, CurrentIdentity, OptionalIfMatch, Roles, type Identity } from '@pb/platform';
import { Forwarder } from '../upstream/forward.js';

const PROBLEM = { description: 'application/problem+json' };
/** Query parameters as the reporting service validates them, so clients (and schemathesis) know the rules. */
const PERIOD_ID = { type: 'string', pattern: '^2\\d{3}-(0[1-9]|1[0-2])-H[12]$' };
const UNIT_QUERY = {
  name: 'unit',
  required: false,
  description: 'Default: your unit 默认本单位',
  schema: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' },
};
const FROM_QUERY = { name: 'from', required: true, description: 'First period YYYY-MM-H1|H2 起始期次', schema: PERIOD_ID };
const TO_QUERY = { name: 'to', required: false, description: 'Last period (default: from) 结束期次', schema: PERIOD_ID };
const PARTY_ORG = { name: 'partyOrgId', description: 'Reporting party organisation 报送党组织' };
const PERIOD = { name: 'periodId', description: 'YYYY-MM-H1 (due by the 12th 每月12日前) | YYYY-MM-H2 (last three days 月底前三天)' };

/** 半月报 the semi-monthly half-month record forms, their review, and the bureaus' compliance views. */
@ApiTags('reporting 半月报')
@ApiBearerAuth()
@Controller('api/v1')
export class ReportingController {
  constructor(private readonly forward: Forwarder) {}

  @Get('reports/review-queue')
  @Roles('city-admin', 'county-admin')
  @ApiOperation({ summary: "Reports waiting for your bureau's review 待本局审核的报表" })
  @ApiQuery({ name: 'period', required: false, schema: PERIOD_ID })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 500 } })
  queue(@CurrentIdentity() who: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.forward.to('reporting', req, reply, who);
  }

  @Get('reports/:partyOrgId/:periodId')
  @Roles('city-admin', 'county-admin', 'school-secretary', 'inspector')
  @ApiOperation({
    summary: 'Read a half-month report of your subtree 查看半月记实表',
    description: 'ETag carries the version. 响应 ETag 为版本。',
  })
  @ApiParam(PARTY_ORG)
  @ApiParam(PERIOD)
  @ApiResponse({ status: 404, ...PROBLEM })
  get(
    @Param('partyOrgId') _p: string,
    @Param('periodId') _q: string,
    @CurrentIdentity() who: Identity,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.forward.to('reporting', req, reply, who);
  }

  @Put('reports/:partyOrgId/:periodId/draft')
  @Roles('school-secretary')
  @ApiOperation({
    summary: "Save your party organisation's draft 保存草稿",
    description: 'School party secretary only. If-Match: "<version>" refuses a stale write (412). 仅本校书记。',
  })
  @ApiParam(PARTY_ORG)
  @ApiParam(PERIOD)
  @OptionalIfMatch()
  @ApiBody({ schema: SaveReportDraftSchema as object })
  @ApiResponse({ status: 400, ...PROBLEM })
  @ApiResponse({ status: 409, ...PROBLEM })
  draft(
    @Param('partyOrgId') _p: string,
    @Param('periodId') _q: string,
    @Body() body: unknown,
    @CurrentIdentity() who: Identity,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.forward.to('reporting', req, reply, who, body);
  }

  @Post('reports/:partyOrgId/:periodId/submit')
  @OptionalIfMatch()
  @Roles('school-secretary')
  @ApiOperation({
    summary: 'Submit the report 报送',
    description:
      'Needs an Idempotency-Key: a retry with the same key returns the first result; the same key with another body is refused (422). ' +
      '需带 Idempotency-Key：重试返回首次结果，同键不同内容返回 422。',
  })
  @ApiParam(PARTY_ORG)
  @ApiParam(PERIOD)
  @ApiHeader({
    name: 'Idempotency-Key',
    required: true,
    description: 'One key per submission, reused on retries 每次报送一个键',
    schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{8,128}$' },
  })
  @ApiBody({ schema: SubmitReportSchema as object })
  @ApiResponse({ status: 200, description: 'Submitted 已报送' })
  @ApiResponse({ status: 409, ...PROBLEM })
  @ApiResponse({ status: 422, ...PROBLEM })
  @ApiResponse({ status: 428, ...PROBLEM })
  submit(
    @Param('partyOrgId') _p: string,
    @Param('periodId') _q: string,
    @Body() body: unknown,
    @CurrentIdentity() who: Identity,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.forward.to('reporting', req, reply, who, body);
  }

  @Post('reports/:partyOrgId/:periodId/reviews')
  @OptionalIfMatch()
  @Roles('city-admin', 'county-admin')
  @ApiOperation({
    summary: 'Accept or return the report 审核：通过或退回',
    description: 'Each reviewing bureau reviews independently. 各审核教育局独立审核。',
  })
  @ApiParam(PARTY_ORG)
  @ApiParam(PERIOD)
  @ApiBody({ schema: ReviewReportSchema as object })
  @ApiResponse({ status: 403, ...PROBLEM })
  @ApiResponse({ status: 409, ...PROBLEM })
  review(
    @Param('partyOrgId') _p: string,
    @Param('periodId') _q: string,
    @Body() body: unknown,
    @CurrentIdentity() who: Identity,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.forward.to('reporting', req, reply, who, body);
  }

  @Post('reports/:partyOrgId/:periodId/lock-exceptions')
  @Roles('city-admin', 'county-admin')
  @ApiOperation({
    summary: 'Reopen a locked report until a date 开放已锁定报表',
    description: 'Reviewing bureau only; recorded in the report. 仅审核教育局，留痕。',
  })
  @ApiParam(PARTY_ORG)
  @ApiParam(PERIOD)
  @ApiBody({ schema: LockExceptionSchema as object })
  grant(
    @Param('partyOrgId') _p: string,
    @Param('periodId') _q: string,
    @Body() body: unknown,
    @CurrentIdentity() who: Identity,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.forward.to('reporting', req, reply, who, body);
  }

  @Get('reporting/calendar')
  @Roles(...ALL_ROLES)
  @ApiOperation({ summary: "The city's reporting calendar 报送日历" })
  calendar(@CurrentIdentity() who: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.forward.to('reporting', req, reply, who);
  }

  @Put('reporting/calendar')
  @Roles('city-admin')
  @ApiOperation({
    summary: 'Set the reporting calendar (city administrator) 设定报送日历',
    description: 'Due day, window, zone, lock days, holiday extensions. 截止日、窗口、时区、锁定天数、节假日顺延。',
  })
  @ApiBody({ schema: ReportingCalendarSchema as object })
  @OptionalIfMatch()
  setCalendar(@Body() body: unknown, @CurrentIdentity() who: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.forward.to('reporting', req, reply, who, body);
  }

  @Get('reporting/compliance')
  @Roles(...ALL_ROLES)
  @ApiOperation({
    summary: 'Reporting and on-time rates of a unit over periods 报送率与及时率',
    description: 'DHIS2 definitions: expected, actual, actual on time. 应报、实报、按时。',
  })
  @ApiQuery(UNIT_QUERY)
  @ApiQuery(FROM_QUERY)
  @ApiQuery(TO_QUERY)
  compliance(@CurrentIdentity() who: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.forward.to('reporting', req, reply, who);
  }

  @Get('reporting/compliance/breakdown')
  @Roles(...ALL_ROLES)
  @ApiOperation({ summary: 'Rates of each child unit 下级单位报送情况' })
  @ApiQuery(UNIT_QUERY)
  @ApiQuery(FROM_QUERY)
  @ApiQuery(TO_QUERY)
  breakdown(@CurrentIdentity() who: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.forward.to('reporting', req, reply, who);
  }

  @Get('reporting/compliance/breakdown.csv')
  @Roles(...ALL_ROLES)
  @ApiOperation({ summary: 'The breakdown as CSV (UTF-8 with BOM) 导出 CSV' })
  @ApiProduces('text/csv')
  @ApiQuery(UNIT_QUERY)
  @ApiQuery(FROM_QUERY)
  @ApiQuery(TO_QUERY)
  csv(@CurrentIdentity() who: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.forward.to('reporting', req, reply, who);
  }

  @Get('reporting/missing')
  @Roles(...ALL_ROLES)
  @ApiOperation({ summary: 'Reports missing at the deadline 截止未报名单' })
  @ApiQuery(UNIT_QUERY)
  @ApiQuery({ name: 'period', required: true, description: 'Period YYYY-MM-H1|H2 期次', schema: PERIOD_ID })
  missing(@CurrentIdentity() who: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.forward.to('reporting', req, reply, who);
  }
}

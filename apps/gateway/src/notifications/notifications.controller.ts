import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CreateNotificationEndpointSchema, NOTICE_CURSOR_PATTERN, NotificationPreferencesSchema } from '@pb/contracts';
import { CurrentIdentity, type Identity, ALL_ROLES, Roles } from '@pb/platform';
import { Forwarder } from '../upstream/forward.js';

const PROBLEM = { description: 'application/problem+json' };
const LANG = {
  name: 'Accept-Language',
  required: false,
  description: 'zh-Hans (default 默认) or en: language of titles and bodies 标题与正文语言',
};
const NOTICE_ID = { name: 'id', description: 'Inbox notice id (a delivery id) 通知标识' };
const LANG_QUERY = {
  name: 'lang',
  required: false,
  enum: ['zh-Hans', 'en'],
  description: 'Overrides Accept-Language 覆盖 Accept-Language',
};
const CURSOR = {
  name: 'cursor',
  required: false,
  // The notifications service's cursor shape (apps/notifications/src/pagination.ts).
  schema: { type: 'string', pattern: NOTICE_CURSOR_PATTERN } as const,
  description: 'nextCursor of the previous page 上一页的 nextCursor',
};

/** 通知 Inbox, preferences, e-mail and webhook endpoints, and the delivery log. */
@ApiTags('notifications 通知')
@ApiBearerAuth()
@Controller('api/v1/notifications')
export class NotificationsController {
  constructor(private readonly forward: Forwarder) {}

  @Roles(...ALL_ROLES)
  @Get('inbox')
  @ApiOperation({
    summary: 'Your inbox, newest first 站内信箱',
    description:
      "Notices to your unit addressed to one of your roles (the unit's shared inbox) and to your own account. Archived notices only with archived=true. " +
      '本单位发给您角色的通知（单位共用信箱）及发给本人的通知；已归档者仅在 archived=true 时列出。',
  })
  @ApiHeader(LANG)
  @ApiQuery(LANG_QUERY)
  @ApiQuery(CURSOR)
  @ApiQuery({ name: 'limit', required: false, description: '1-100, default 20' })
  @ApiQuery({ name: 'unread', required: false, description: 'true: unread only 仅未读' })
  @ApiQuery({ name: 'archived', required: false, description: 'true: archived only 仅已归档' })
  @ApiQuery({
    name: 'category',
    required: false,
    description: 'deadline-reminder | report-overdue | report-returned | report-accepted | ...',
  })
  inbox(@CurrentIdentity() who: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.forward.to('notifications', req, reply, who);
  }

  @Roles(...ALL_ROLES)
  @Get('inbox/unread-count')
  @ApiOperation({ summary: 'Unread notices, and how many are critical 未读数（含紧急）' })
  unread(@CurrentIdentity() who: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.forward.to('notifications', req, reply, who);
  }

  @Roles(...ALL_ROLES)
  @Post('inbox/read-all')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark every notice read 全部标为已读' })
  readAll(@CurrentIdentity() who: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.forward.to('notifications', req, reply, who);
  }

  @Roles(...ALL_ROLES)
  @Get('inbox/:id')
  @ApiOperation({ summary: 'One notice of your inbox 查看通知' })
  @ApiParam(NOTICE_ID)
  @ApiHeader(LANG)
  @ApiQuery(LANG_QUERY)
  @ApiResponse({ status: 404, ...PROBLEM })
  one(@Param('id') _id: string, @CurrentIdentity() who: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.forward.to('notifications', req, reply, who);
  }

  @Roles(...ALL_ROLES)
  @Post('inbox/:id/read')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark read (logged in the delivery log) 标为已读（记入投递日志）' })
  @ApiHeader(LANG)
  @ApiQuery(LANG_QUERY)
  @ApiParam(NOTICE_ID)
  @ApiResponse({ status: 404, ...PROBLEM })
  read(@Param('id') _id: string, @CurrentIdentity() who: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.forward.to('notifications', req, reply, who, {});
  }

  @Roles(...ALL_ROLES)
  @Post('inbox/:id/archive')
  @HttpCode(200)
  @ApiOperation({ summary: 'Archive 归档' })
  @ApiHeader(LANG)
  @ApiQuery(LANG_QUERY)
  @ApiParam(NOTICE_ID)
  @ApiResponse({ status: 404, ...PROBLEM })
  archive(@Param('id') _id: string, @CurrentIdentity() who: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.forward.to('notifications', req, reply, who, {});
  }

  @Roles(...ALL_ROLES)
  @Get('categories')
  @ApiOperation({ summary: 'Notice categories and whether each is critical 通知类别（是否紧急）' })
  categories(@CurrentIdentity() who: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.forward.to('notifications', req, reply, who);
  }

  @Roles(...ALL_ROLES)
  @Get('preferences/:scope')
  @ApiOperation({ summary: 'Preferences of your unit or your own account 本单位或本人的通知偏好' })
  @ApiParam({ name: 'scope', enum: ['unit', 'account'] })
  preferences(@Param('scope') _s: string, @CurrentIdentity() who: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.forward.to('notifications', req, reply, who);
  }

  @Roles(...ALL_ROLES)
  @Put('preferences/:scope')
  @ApiOperation({
    summary: 'Set preferences: categories × channels, quiet hours, language 设定通知偏好',
    description:
      'Critical categories (report-overdue, report-returned) cannot be switched off (400: their switches are const true), and quiet hours (city time zone) delay only non-critical e-mails and webhooks. ' +
      'Unit preferences: its administrators or secretary. ' +
      '紧急类别（逾期未报、退回修改）不可关闭（400）；免打扰时段（城市时区）只延后非紧急的邮件与推送。单位设定限本单位管理员或书记。',
  })
  @ApiParam({ name: 'scope', enum: ['unit', 'account'] })
  @ApiBody({ schema: NotificationPreferencesSchema as object })
  @ApiResponse({ status: 400, ...PROBLEM })
  @ApiResponse({ status: 403, ...PROBLEM })
  @ApiResponse({ status: 422, ...PROBLEM })
  setPreferences(
    @Param('scope') _s: string,
    @Body() body: unknown,
    @CurrentIdentity() who: Identity,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.forward.to('notifications', req, reply, who, body);
  }

  @Roles(...ALL_ROLES)
  @Get('endpoints')
  @ApiOperation({
    summary: 'E-mail addresses and webhooks of your unit and account 通知端点',
    description: 'Webhook secrets are never shown again. 不再显示 Webhook 密钥。',
  })
  endpoints(@CurrentIdentity() who: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.forward.to('notifications', req, reply, who);
  }

  @Roles(...ALL_ROLES)
  @Post('endpoints')
  @ApiOperation({
    summary: 'Add an e-mail address or a webhook 新增邮箱或 Webhook',
    description:
      "A webhook's signing secret is in this answer only: keep it in the school's system. Verification: docs/webhooks.md (HMAC-SHA256 over `<t>.<body>`, header x-pb-signature: t=<unix>,v1=<hex>, 5-minute replay window). " +
      'Webhook 签名密钥仅在此响应中出现一次；验签方法见 docs/webhooks.md。',
  })
  @ApiBody({ schema: CreateNotificationEndpointSchema as object })
  @ApiResponse({ status: 201, description: 'Created 已新增' })
  @ApiResponse({ status: 400, ...PROBLEM })
  @ApiResponse({ status: 403, ...PROBLEM })
  addEndpoint(@Body() body: unknown, @CurrentIdentity() who: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.forward.to('notifications', req, reply, who, body);
  }

  @Roles(...ALL_ROLES)
  @Delete('endpoints/:id')
  @ApiOperation({ summary: 'Remove an endpoint 删除通知端点' })
  @ApiParam({ name: 'id', description: 'em_... | wh_...' })
  @ApiResponse({ status: 204, description: 'Removed 已删除' })
  @ApiResponse({ status: 404, ...PROBLEM })
  removeEndpoint(@Param('id') _id: string, @CurrentIdentity() who: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.forward.to('notifications', req, reply, who);
  }

  @Roles(...ALL_ROLES)
  @Get('delivery-log')
  @ApiOperation({
    summary: 'Delivery log of your subtree 投递日志',
    description:
      'Bureaus (and inspectors) read every delivery about a unit under them; a school reads what was sent to it. Kinds: delivered (inbox), sent, retry (error, next attempt), failed (reason), read, archived. ' +
      '教育局（及督查）可查辖区内全部投递；学校仅查发给本校者。',
  })
  @ApiQuery({
    name: 'kind',
    required: false,
    enum: ['delivered', 'sent', 'retry', 'failed', 'read', 'archived'],
  })
  @ApiQuery({ name: 'channel', required: false, enum: ['inbox', 'email', 'webhook'] })
  @ApiQuery({
    name: 'unit',
    required: false,
    description: 'Only deliveries about this unit of your subtree 仅某下级单位',
  })
  @ApiQuery({ name: 'category', required: false })
  @ApiQuery({ name: 'delivery', required: false, description: 'One delivery id' })
  @ApiQuery(CURSOR)
  @ApiQuery({ name: 'limit', required: false, description: '1-500, default 50' })
  log(@CurrentIdentity() who: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.forward.to('notifications', req, reply, who);
  }

  @Roles(...ALL_ROLES)
  @Get('deliveries/:id')
  @ApiOperation({ summary: 'One delivery: status, attempts, history 单次投递详情' })
  @ApiParam({ name: 'id', description: '<noticeId>:<recipient>:<channel>' })
  @ApiResponse({ status: 404, ...PROBLEM })
  delivery(@Param('id') _id: string, @CurrentIdentity() who: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.forward.to('notifications', req, reply, who);
  }
}

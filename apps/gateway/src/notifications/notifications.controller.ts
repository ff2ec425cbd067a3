import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Put,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiHeader,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CreateNotificationEndpointSchema, NOTICE_CURSOR_PATTERN, NotificationPreferencesSchema } from '@pb/contracts';
import { CurrentIdentity, type Identity, ALL_ROLES, Roles } from '@pb/platform';
import { Forwarder } from '../upstream/forward.js';

const PROBLEM = { description: 'application/problem+json' };
const LANG = {
  name: 'Accept-Language',
  required: false,
  description: 'zh-Hans (default 默認) or en: language of titles and bodies 標題與正文語言',
};
const NOTICE_ID = { name: 'id', description: 'Inbox notice id (a delivery id) 通知標識' };
const LANG_QUERY = {
  name: 'lang',
  required: false,
  enum: ['zh-Hans', 'en'],
  description: 'Overrides Accept-Language 覆蓋 Accept-Language',
};
const CURSOR = {
  name: 'cursor',
  required: false,
  // The notifications service's cursor shape (apps/notifications/src/pagination.ts).
  schema: { type: 'string', pattern: NOTICE_CURSOR_PATTERN } as const,
  description: 'nextCursor of the previous page 上一頁的 nextCursor',
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
    summary: 'Your inbox, newest first 站內信箱',
    description:
      "Notices to your unit addressed to one of your roles (the unit's shared inbox) and to your own account. Archived notices only with archived=true. " +
      '本單位發給您角色的通知（單位共用信箱）及發給本人的通知；已歸檔者僅在 archived=true 時列出。',
  })
  @ApiHeader(LANG)
  @ApiQuery(LANG_QUERY)
  @ApiQuery(CURSOR)
  @ApiQuery({ name: 'limit', required: false, description: '1-100, default 20' })
  @ApiQuery({ name: 'unread', required: false, description: 'true: unread only 僅未讀' })
  @ApiQuery({ name: 'archived', required: false, description: 'true: archived only 僅已歸檔' })
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
  @ApiOperation({ summary: 'Unread notices, and how many are critical 未讀數（含緊急）' })
  unread(@CurrentIdentity() who: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.forward.to('notifications', req, reply, who);
  }

  @Roles(...ALL_ROLES)
  @Post('inbox/read-all')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark every notice read 全部標為已讀' })
  readAll(
    @CurrentIdentity() who: Identity,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.forward.to('notifications', req, reply, who);
  }

  @Roles(...ALL_ROLES)
  @Get('inbox/:id')
  @ApiOperation({ summary: 'One notice of your inbox 查看通知' })
  @ApiParam(NOTICE_ID)
  @ApiHeader(LANG)
  @ApiQuery(LANG_QUERY)
  @ApiResponse({ status: 404, ...PROBLEM })
  one(
    @Param('id') _id: string,
    @CurrentIdentity() who: Identity,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.forward.to('notifications', req, reply, who);
  }

  @Roles(...ALL_ROLES)
  @Post('inbox/:id/read')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark read (logged in the delivery log) 標為已讀（記入投遞日誌）' })
  @ApiHeader(LANG)
  @ApiQuery(LANG_QUERY)
  @ApiParam(NOTICE_ID)
  @ApiResponse({ status: 404, ...PROBLEM })
  read(
    @Param('id') _id: string,
    @CurrentIdentity() who: Identity,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.forward.to('notifications', req, reply, who, {});
  }

  @Roles(...ALL_ROLES)
  @Post('inbox/:id/archive')
  @HttpCode(200)
  @ApiOperation({ summary: 'Archive 歸檔' })
  @ApiHeader(LANG)
  @ApiQuery(LANG_QUERY)
  @ApiParam(NOTICE_ID)
  @ApiResponse({ status: 404, ...PROBLEM })
  archive(
    @Param('id') _id: string,
    @CurrentIdentity() who: Identity,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.forward.to('notifications', req, reply, who, {});
  }

  @Roles(...ALL_ROLES)
  @Get('categories')
  @ApiOperation({ summary: 'Notice categories and whether each is critical 通知類別（是否緊急）' })
  categories(
    @CurrentIdentity() who: Identity,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.forward.to('notifications', req, reply, who);
  }

  @Roles(...ALL_ROLES)
  @Get('preferences/:scope')
  @ApiOperation({ summary: 'Preferences of your unit or your own account 本單位或本人的通知偏好' })
  @ApiParam({ name: 'scope', enum: ['unit', 'account'] })
  preferences(
    @Param('scope') _s: string,
    @CurrentIdentity() who: Identity,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.forward.to('notifications', req, reply, who);
  }

  @Roles(...ALL_ROLES)
  @Put('preferences/:scope')
  @ApiOperation({
    summary: 'Set preferences: categories × channels, quiet hours, language 設定通知偏好',
    description:
      'Critical categories (report-overdue, report-returned) cannot be switched off (400: their switches are const true), and quiet hours (city time zone) delay only non-critical e-mails and webhooks. ' +
      'Unit preferences: its administrators or secretary. ' +
      '緊急類別（逾期未報、退回修改）不可關閉（400）；免打擾時段（城市時區）只延後非緊急的郵件與推送。單位設定限本單位管理員或書記。',
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
    summary: 'E-mail addresses and webhooks of your unit and account 通知端點',
    description: 'Webhook secrets are never shown again. 不再顯示 Webhook 密鑰。',
  })
  endpoints(
    @CurrentIdentity() who: Identity,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.forward.to('notifications', req, reply, who);
  }

  @Roles(...ALL_ROLES)
  @Post('endpoints')
  @ApiOperation({
    summary: 'Add an e-mail address or a webhook 新增郵箱或 Webhook',
    description:
      "A webhook's signing secret is in this answer only: keep it in the school's system. Verification: docs/webhooks.md (HMAC-SHA256 over `<t>.<body>`, header x-pb-signature: t=<unix>,v1=<hex>, 5-minute replay window). " +
      'Webhook 簽名密鑰僅在此回應中出現一次；驗簽方法見 docs/webhooks.md。',
  })
  @ApiBody({ schema: CreateNotificationEndpointSchema as object })
  @ApiResponse({ status: 201, description: 'Created 已新增' })
  @ApiResponse({ status: 400, ...PROBLEM })
  @ApiResponse({ status: 403, ...PROBLEM })
  addEndpoint(
    @Body() body: unknown,
    @CurrentIdentity() who: Identity,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.forward.to('notifications', req, reply, who, body);
  }

  @Roles(...ALL_ROLES)
  @Delete('endpoints/:id')
  @ApiOperation({ summary: 'Remove an endpoint 刪除通知端點' })
  @ApiParam({ name: 'id', description: 'em_... | wh_...' })
  @ApiResponse({ status: 204, description: 'Removed 已刪除' })
  @ApiResponse({ status: 404, ...PROBLEM })
  removeEndpoint(
    @Param('id') _id: string,
    @CurrentIdentity() who: Identity,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.forward.to('notifications', req, reply, who);
  }

  @Roles(...ALL_ROLES)
  @Get('delivery-log')
  @ApiOperation({
    summary: 'Delivery log of your subtree 投遞日誌',
    description:
      'Bureaus (and inspectors) read every delivery about a unit under them; a school reads what was sent to it. Kinds: delivered (inbox), sent, retry (error, next attempt), failed (reason), read, archived. ' +
      '教育局（及督查）可查轄區內全部投遞；學校僅查發給本校者。',
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
    description: 'Only deliveries about this unit of your subtree 僅某下級單位',
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
  @ApiOperation({ summary: 'One delivery: status, attempts, history 單次投遞詳情' })
  @ApiParam({ name: 'id', description: '<noticeId>:<recipient>:<channel>' })
  @ApiResponse({ status: 404, ...PROBLEM })
  delivery(
    @Param('id') _id: string,
    @CurrentIdentity() who: Identity,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.forward.to('notifications', req, reply, who);
  }
}

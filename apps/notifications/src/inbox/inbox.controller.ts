import { Controller, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CurrentIdentity, preferredLanguage, type Identity, ALL_ROLES, Roles } from '@pb/platform';
import type { Lang } from '../templates/render.js';
import { InboxService } from './inbox.service.js';

export function langFrom(query: string | undefined, acceptLanguage: string | undefined): Lang {
  if (query === 'en' || query === 'zh' || query === 'zh-Hans') return query === 'en' ? 'en' : 'zh';
  return preferredLanguage(acceptLanguage);
}

export function limitFrom(raw: string | undefined, fallback = 20, max = 100): number {
  return Math.min(Math.max(Number(raw ?? fallback) || fallback, 1), max);
}

/** 站內信箱 The caller's inbox: list with a cursor, unread count, mark read, archive. */
@Controller('api/v1/notifications/inbox')
export class InboxController {
  constructor(private readonly inbox: InboxService) {}

  @Roles(...ALL_ROLES)
  @Get()
  list(
    @CurrentIdentity() caller: Identity,
    @Headers('accept-language') al: string | undefined,
    @Query('cursor') cursor?: string,
    @Query('limit') limit?: string,
    @Query('unread') unread?: string,
    @Query('archived') archived?: string,
    @Query('category') category?: string,
    @Query('lang') lang?: string,
  ) {
    return this.inbox.list(
      caller,
      {
        limit: limitFrom(limit),
        unread: unread === 'true',
        archived: archived === 'true',
        ...(cursor ? { cursor } : {}),
        ...(category ? { category } : {}),
      },
      langFrom(lang, al),
    );
  }

  @Roles(...ALL_ROLES)
  @Get('unread-count')
  unread(@CurrentIdentity() caller: Identity) {
    return this.inbox.unreadCount(caller);
  }

  @Roles(...ALL_ROLES)
  @Post('read-all')
  @HttpCode(200)
  readAll(@CurrentIdentity() caller: Identity) {
    return this.inbox.markAllRead(caller);
  }

  @Roles(...ALL_ROLES)
  @Get(':id')
  get(
    @Param('id') id: string,
    @CurrentIdentity() caller: Identity,
    @Headers('accept-language') al: string | undefined,
    @Query('lang') lang?: string,
  ) {
    return this.inbox.get(caller, id, langFrom(lang, al));
  }

  @Roles(...ALL_ROLES)
  @Post(':id/read')
  @HttpCode(200)
  read(
    @Param('id') id: string,
    @CurrentIdentity() caller: Identity,
    @Headers('accept-language') al: string | undefined,
    @Query('lang') lang?: string,
  ) {
    return this.inbox.markRead(caller, id, langFrom(lang, al));
  }

  @Roles(...ALL_ROLES)
  @Post(':id/archive')
  @HttpCode(200)
  archive(
    @Param('id') id: string,
    @CurrentIdentity() caller: Identity,
    @Headers('accept-language') al: string | undefined,
    @Query('lang') lang?: string,
  ) {
    return this.inbox.archive(caller, id, langFrom(lang, al));
  }
}

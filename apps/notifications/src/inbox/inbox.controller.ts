import { Controller, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ALL_ROLES, CurrentIdentity, preferredLanguage, Roles, type Identity } from '@pb/platform';
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

  @Get()
  @Roles(...ALL_ROLES)
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

  @Get('unread-count')
  @Roles(...ALL_ROLES)
  unread(@CurrentIdentity() caller: Identity) {
    return this.inbox.unreadCount(caller);
  }

  @Post('read-all')
  @Roles(...ALL_ROLES)
  @HttpCode(200)
  readAll(@CurrentIdentity() caller: Identity) {
    return this.inbox.markAllRead(caller);
  }

  @Get(':id')
  @Roles(...ALL_ROLES)
  get(
    @Param('id') id: string,
    @CurrentIdentity() caller: Identity,
    @Headers('accept-language') al: string | undefined,
    @Query('lang') lang?: string,
  ) {
    return this.inbox.get(caller, id, langFrom(lang, al));
  }

  @Post(':id/read')
  @Roles(...ALL_ROLES)
  @HttpCode(200)
  read(
    @Param('id') id: string,
    @CurrentIdentity() caller: Identity,
    @Headers('accept-language') al: string | undefined,
    @Query('lang') lang?: string,
  ) {
    return this.inbox.markRead(caller, id, langFrom(lang, al));
  }

  @Post(':id/archive')
  @Roles(...ALL_ROLES)
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

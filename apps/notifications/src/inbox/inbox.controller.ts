import { Controller, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ALL_ROLES, CurrentIdentity, preferredLanguage, problem, Roles, type Identity } from '@pb/platform';
import type { Lang } from '../templates/render.js';
import { InboxService } from './inbox.service.js';

/** `?lang=zh-Hans|en` when given (anything else is 400), else Accept-Language (zh-Hans by default). */
export function langFrom(query: unknown, acceptLanguage: string | undefined): Lang {
  if (query === undefined) return preferredLanguage(acceptLanguage);
  if (query === 'en' || query === 'zh-Hans') return query === 'en' ? 'en' : 'zh';
  throw problem.validation({ zh: 'lang 应为 zh-Hans 或 en', en: 'lang must be zh-Hans or en' }, [
    {
      pointer: '/lang',
      rule: 'enum',
      message: { zh: 'lang 应为 zh-Hans 或 en', en: 'lang must be zh-Hans or en' },
    },
  ]);
}

export function limitFrom(raw: string | undefined, fallback = 20, max = 100): number {
  return Math.min(Math.max(Number(raw ?? fallback) || fallback, 1), max);
}

/** 站内信箱 The caller's inbox: list with a cursor, unread count, mark read, archive. */
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
        ...(cursor !== undefined ? { cursor } : {}),
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

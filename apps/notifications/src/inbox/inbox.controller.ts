import { Routes } from '@pb/contracts';
import { Controller, Headers, Param, Query } from '@nestjs/common';
import { CurrentIdentity, preferredLanguage, problem, type Identity, Handle } from '@pb/platform';
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

/** 站内信箱 The caller's inbox: list with a cursor, unread count, mark read, archive. */
@Controller()
export class InboxController {
  constructor(private readonly inbox: InboxService) {}

  @Handle(Routes.getNotificationsInbox)
  list(
    @CurrentIdentity() caller: Identity,
    @Headers('accept-language') al: string | undefined,
    @Query('cursor') cursor?: string,
    @Query('limit') limit?: number,
    @Query('unread') unread?: string,
    @Query('archived') archived?: string,
    @Query('category') category?: string,
    @Query('lang') lang?: string,
  ) {
    return this.inbox.list(
      caller,
      {
        limit: Number(limit),
        unread: unread === 'true',
        archived: archived === 'true',
        ...(cursor !== undefined ? { cursor } : {}),
        ...(category ? { category } : {}),
      },
      langFrom(lang, al),
    );
  }

  @Handle(Routes.getNotificationsInboxUnreadCount)
  unread(@CurrentIdentity() caller: Identity) {
    return this.inbox.unreadCount(caller);
  }

  @Handle(Routes.postNotificationsInboxReadAll)
  readAll(@CurrentIdentity() caller: Identity) {
    return this.inbox.markAllRead(caller);
  }

  @Handle(Routes.getNotificationsInboxOne)
  get(
    @Param('id') id: string,
    @CurrentIdentity() caller: Identity,
    @Headers('accept-language') al: string | undefined,
    @Query('lang') lang?: string,
  ) {
    return this.inbox.get(caller, id, langFrom(lang, al));
  }

  @Handle(Routes.postNotificationsInboxRead)
  read(
    @Param('id') id: string,
    @CurrentIdentity() caller: Identity,
    @Headers('accept-language') al: string | undefined,
    @Query('lang') lang?: string,
  ) {
    return this.inbox.markRead(caller, id, langFrom(lang, al));
  }

  @Handle(Routes.postNotificationsInboxArchive)
  archive(
    @Param('id') id: string,
    @CurrentIdentity() caller: Identity,
    @Headers('accept-language') al: string | undefined,
    @Query('lang') lang?: string,
  ) {
    return this.inbox.archive(caller, id, langFrom(lang, al));
  }
}

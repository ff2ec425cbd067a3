import { Routes } from '@pb/contracts';
import { Controller } from '@nestjs/common';
import { preferredLanguage, problem, Handle, Call, type RouteCall } from '@pb/platform';
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
  list(@Call() call: RouteCall<typeof Routes.getNotificationsInbox>) {
    return this.inbox.list(
      call.identity,
      {
        limit: Number(call.query.limit),
        unread: call.query.unread === true,
        archived: call.query.archived === true,
        ...(call.query.cursor !== undefined ? { cursor: call.query.cursor } : {}),
        ...(call.query.category ? { category: call.query.category } : {}),
      },
      langFrom(call.query.lang, call.acceptLanguage),
    );
  }

  @Handle(Routes.getNotificationsInboxUnreadCount)
  unread(@Call() call: RouteCall<typeof Routes.getNotificationsInboxUnreadCount>) {
    return this.inbox.unreadCount(call.identity);
  }

  @Handle(Routes.postNotificationsInboxReadAll)
  readAll(@Call() call: RouteCall<typeof Routes.postNotificationsInboxReadAll>) {
    return this.inbox.markAllRead(call.identity);
  }

  @Handle(Routes.getNotificationsInboxOne)
  get(@Call() call: RouteCall<typeof Routes.getNotificationsInboxOne>) {
    return this.inbox.get(call.identity, call.params.id, langFrom(call.query.lang, call.acceptLanguage));
  }

  @Handle(Routes.postNotificationsInboxRead)
  read(@Call() call: RouteCall<typeof Routes.postNotificationsInboxRead>) {
    return this.inbox.markRead(call.identity, call.params.id, langFrom(call.query.lang, call.acceptLanguage));
  }

  @Handle(Routes.postNotificationsInboxArchive)
  archive(@Call() call: RouteCall<typeof Routes.postNotificationsInboxArchive>) {
    return this.inbox.archive(call.identity, call.params.id, langFrom(call.query.lang, call.acceptLanguage));
  }
}

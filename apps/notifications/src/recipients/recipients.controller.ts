import { Controller, Inject } from '@nestjs/common';
import { Routes } from '@pb/contracts';
import { problem, Handle, Call, type RouteCall } from '@pb/platform';
import { EmailChannel } from '../delivery/channels/email.channel.js';
import { NOTIFICATION_CATALOG } from '../options.js';
import type { NotificationCatalog } from '../rules/catalog.js';
import { ProfilesService, publicProfile } from './profiles.service.js';

function scopeOf(raw: string): 'unit' | 'account' {
  if (raw === 'unit' || raw === 'account') return raw;
  throw problem.notFound({
    zh: '范围应为 unit 或 account',
    en: 'Scope must be unit or account',
  });
}

/** 通知偏好与端点 Preferences, e-mail addresses and webhooks of the caller's unit and own account. */
@Controller()
export class RecipientsController {
  constructor(
    private readonly profiles: ProfilesService,
    private readonly email: EmailChannel,
    @Inject(NOTIFICATION_CATALOG) private readonly catalog: NotificationCatalog,
  ) {}

  @Handle(Routes.getNotificationsCategories)
  categories() {
    return {
      categories: this.catalog.allCategories().map((c) => ({ ...c, optIn: c.optIn ?? [] })),
      channels: ['inbox', 'email', 'webhook'],
      emailEnabled: this.email.enabled,
    };
  }

  @Handle(Routes.getNotificationsPreferencesOne)
  async preferences(@Call() call: RouteCall<typeof Routes.getNotificationsPreferencesOne>) {
    const p = publicProfile(await this.profiles.mine(call.identity, scopeOf(call.params.scope)));
    return { key: p.key, locale: p.locale, categories: p.categories, quietHours: p.quietHours };
  }

  @Handle(Routes.putNotificationsPreferences)
  async setPreferences(@Call() call: RouteCall<typeof Routes.putNotificationsPreferences>) {
    const p = publicProfile(await this.profiles.setPreferences(call.identity, scopeOf(call.params.scope), call.body, call.requestId));
    return { key: p.key, locale: p.locale, categories: p.categories, quietHours: p.quietHours };
  }

  @Handle(Routes.getNotificationsEndpoints)
  async endpoints(@Call() call: RouteCall<typeof Routes.getNotificationsEndpoints>) {
    const [unit, account] = await Promise.all([this.profiles.mine(call.identity, 'unit'), this.profiles.mine(call.identity, 'account')]);
    const view = (p: typeof unit) => ({
      emails: publicProfile(p).emails,
      webhooks: publicProfile(p).webhooks,
    });
    return { unit: view(unit), account: view(account), emailEnabled: this.email.enabled };
  }

  @Handle(Routes.postNotificationsEndpoints)
  async addEndpoint(@Call() call: RouteCall<typeof Routes.postNotificationsEndpoints>) {
    const { endpoint } = await this.profiles.addEndpoint(call.identity, call.body, call.requestId);
    return { owner: call.body.owner, channel: call.body.channel, ...endpoint };
  }

  @Handle(Routes.deleteNotificationsEndpoints)
  async removeEndpoint(@Call() call: RouteCall<typeof Routes.deleteNotificationsEndpoints>) {
    await this.profiles.removeEndpoint(call.identity, call.params.id, call.requestId);
  }
}

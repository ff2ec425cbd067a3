import { Body, Controller, Inject, Param, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { type CreateNotificationEndpointDto, type NotificationPreferencesDto, Routes } from '@pb/contracts';
import { CurrentIdentity, problem, type Identity, Handle } from '@pb/platform';
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
      categories: this.catalog.allCategories(),
      channels: ['inbox', 'email', 'webhook'],
      emailEnabled: this.email.enabled,
    };
  }

  @Handle(Routes.getNotificationsPreferencesOne)
  async preferences(@Param('scope') scope: string, @CurrentIdentity() caller: Identity) {
    const p = publicProfile(await this.profiles.mine(caller, scopeOf(scope)));
    return { key: p.key, locale: p.locale, categories: p.categories, quietHours: p.quietHours };
  }

  @Handle(Routes.putNotificationsPreferences)
  async setPreferences(
    @Param('scope') scope: string,
    @Body()
    body: NotificationPreferencesDto,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
  ) {
    const p = publicProfile(await this.profiles.setPreferences(caller, scopeOf(scope), body, req.id));
    return { key: p.key, locale: p.locale, categories: p.categories, quietHours: p.quietHours };
  }

  @Handle(Routes.getNotificationsEndpoints)
  async endpoints(@CurrentIdentity() caller: Identity) {
    const [unit, account] = await Promise.all([this.profiles.mine(caller, 'unit'), this.profiles.mine(caller, 'account')]);
    const view = (p: typeof unit) => ({
      emails: publicProfile(p).emails,
      webhooks: publicProfile(p).webhooks,
    });
    return { unit: view(unit), account: view(account), emailEnabled: this.email.enabled };
  }

  @Handle(Routes.postNotificationsEndpoints)
  async addEndpoint(
    @Body()
    body: CreateNotificationEndpointDto,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
  ) {
    const { endpoint } = await this.profiles.addEndpoint(caller, body, req.id);
    return { owner: body.owner, channel: body.channel, ...endpoint };
  }

  @Handle(Routes.deleteNotificationsEndpoints)
  async removeEndpoint(@Param('id') id: string, @CurrentIdentity() caller: Identity, @Req() req: FastifyRequest) {
    await this.profiles.removeEndpoint(caller, id, req.id);
  }
}

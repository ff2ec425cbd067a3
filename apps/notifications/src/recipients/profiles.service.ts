import { randomBytes } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { UpdateFilter } from 'mongodb';
import type { Collection, Connection } from 'mongoose';
import type { CreateNotificationEndpointDto, NotificationChannel, NotificationPreferencesDto } from '@pb/contracts';
import { OutboxRelay, type OutboxEvent } from '@pb/messaging';
import { auditWriteEvent, Clock, problem, type Identity, type Role } from '@pb/platform';
import { NOTIFICATION_CATALOG } from '../options.js';
import type { NotificationCatalog } from '../rules/catalog.js';
import { accountKey, C, unitKey } from '../store.js';

export interface EmailEndpoint {
  id: string;
  address: string;
  createdAt: Date;
  createdBy: string;
}

export interface WebhookEndpoint {
  id: string;
  url: string;
  /** HMAC key; shown once, at creation. Kept readable because every delivery is signed with it. */
  secret: string;
  description?: string;
  createdAt: Date;
  createdBy: string;
}

/**
 * 接收方设定 What one org unit (`unit:<id>`) or one account (`acct:<sub>`) receives and where: its
 * preferences, its e-mail addresses and webhooks, and, for a unit, the accounts of the unit who
 * registered their own endpoints (they receive the unit's notices addressed to their role).
 */
export interface RecipientProfile {
  _id: string;
  kind: 'unit' | 'account';
  orgUnitId: string;
  /** Accounts: their roles when they last registered (identities come from tokens). */
  roles: Role[];
  locale: 'zh-Hans' | 'en';
  categories: Record<string, Partial<Record<NotificationChannel, boolean>>>;
  quietHours: { start: string; end: string } | null;
  emails: EmailEndpoint[];
  webhooks: WebhookEndpoint[];
  subscribers: { accountId: string; roles: Role[] }[];
  updatedAt: Date;
}

/** The stored document: the profile and the audit records of its changes, until the relay publishes them. */
type ProfileDoc = RecipientProfile & { outbox?: OutboxEvent[] };

/** What a change of a profile records in the audit log (docs/adr/0007). */
interface ProfileAudit {
  caller: Identity;
  action: string;
  before: RecipientProfile;
  correlationId?: string | undefined;
}

/** Profiles are read without their outbox. */
const NO_OUTBOX = { projection: { outbox: 0 } } as const;

const BUREAU_OR_SCHOOL_ADMIN: Role[] = ['city-admin', 'county-admin', 'school-secretary'];

export { accountKey, unitKey } from '../store.js';

function emptyProfile(key: string, kind: 'unit' | 'account', orgUnitId: string, roles: Role[], now: Date): RecipientProfile {
  return {
    _id: key,
    kind,
    orgUnitId,
    roles,
    locale: 'zh-Hans',
    categories: {},
    quietHours: null,
    emails: [],
    webhooks: [],
    subscribers: [],
    updatedAt: now,
  };
}

/**
 * Whether a profile lets a category through on a channel. Critical categories always pass; otherwise
 * the recipient's switch decides, and where it set none the category's default: on, except its opt-in
 * channels.
 */
export function allows(
  profile: RecipientProfile | undefined,
  category: { id: string; critical: boolean; optIn?: NotificationChannel[] },
  channel: NotificationChannel,
): boolean {
  if (category.critical) return true;
  return profile?.categories[category.id]?.[channel] ?? !category.optIn?.includes(channel);
}

/** A view without webhook secrets. */
export type PublicProfile = Omit<RecipientProfile, 'webhooks' | '_id'> & {
  key: string;
  webhooks: Omit<WebhookEndpoint, 'secret'>[];
};

export function publicProfile(p: RecipientProfile): PublicProfile {
  const { _id, webhooks, ...rest } = p;
  return { key: _id, ...rest, webhooks: webhooks.map(({ secret: _secret, ...w }) => w) };
}

@Injectable()
export class ProfilesService implements OnModuleInit {
  constructor(
    @InjectConnection() private readonly connection: Connection,
    @Inject(NOTIFICATION_CATALOG) private readonly catalog: NotificationCatalog,
    private readonly clock: Clock,
    private readonly relay: OutboxRelay,
  ) {}

  onModuleInit() {
    this.relay.register({ collection: this.profiles, db: this.connection });
  }

  private get profiles(): Collection<ProfileDoc> {
    return this.connection.collection<ProfileDoc>(C.profiles);
  }

  get(key: string): Promise<RecipientProfile | null> {
    return this.profiles.findOne({ _id: key }, NO_OUTBOX);
  }

  /** Profiles by key, one query. */
  async getMany(keys: string[]): Promise<Map<string, RecipientProfile>> {
    const unique = [...new Set(keys)];
    if (unique.length === 0) return new Map();
    if (unique.length === 1) {
      const one = await this.get(unique[0]);
      return new Map(one ? [[one._id, one]] : []);
    }
    const docs = await this.profiles.find({ _id: { $in: unique } }, NO_OUTBOX).toArray();
    return new Map(docs.map((d) => [d._id, d]));
  }

  /** The caller's own profile (account) or its unit's; created empty on first use. */
  async mine(caller: Identity, scope: 'unit' | 'account'): Promise<RecipientProfile> {
    const key = scope === 'unit' ? unitKey(caller.orgUnitId) : accountKey(caller.sub);
    const existing = await this.get(key);
    if (existing) return existing;
    return emptyProfile(key, scope, caller.orgUnitId, scope === 'account' ? caller.roles : [], this.clock.now());
  }

  private assertMayEditUnit(caller: Identity) {
    if (!caller.roles.some((r) => BUREAU_OR_SCHOOL_ADMIN.includes(r))) {
      throw problem.forbidden({
        zh: '只有本单位管理员或书记可修改单位通知设定',
        en: "Only the unit's administrators or secretary may change its notification settings",
      });
    }
  }

  /**
   * Stores a profile with the audit record of the change in the same write (who, what, before and
   * after, webhook secrets left out).
   */
  private async save(profile: RecipientProfile, audit: ProfileAudit) {
    profile.updatedAt = this.clock.now();
    const { _id, ...fields } = profile;
    const record = auditWriteEvent({
      service: 'notifications',
      actor: audit.caller,
      action: audit.action,
      resourceType: 'notification-profile',
      resourceId: _id,
      unitId: profile.orgUnitId,
      before: publicProfile(audit.before),
      after: publicProfile(profile),
      ...(audit.correlationId ? { correlationId: audit.correlationId } : {}),
    });
    const update: UpdateFilter<ProfileDoc> = { $set: fields, $push: { outbox: record } };
    await this.profiles.updateOne({ _id }, update, { upsert: true });
    this.relay.nudge();
  }

  /** Replaces the preferences named in the body. Muting a critical category is refused (422). */
  async setPreferences(
    caller: Identity,
    scope: 'unit' | 'account',
    dto: NotificationPreferencesDto,
    correlationId?: string,
  ): Promise<RecipientProfile> {
    if (scope === 'unit') this.assertMayEditUnit(caller);
    const errors = [];
    for (const [category, channels] of Object.entries(dto.categories ?? {})) {
      if (!this.catalog.hasCategory(category)) {
        errors.push({
          pointer: `/categories/${category}`,
          rule: 'enum',
          message: { zh: `未知通知类别 ${category}`, en: `unknown notice category ${category}` },
        });
      } else if (this.catalog.category(category).critical && Object.values(channels ?? {}).some((on) => on === false)) {
        errors.push({
          pointer: `/categories/${category}`,
          rule: 'critical',
          message: {
            zh: `紧急通知（${category}）不可关闭`,
            en: `critical notices (${category}) cannot be muted`,
          },
        });
      }
    }
    if (errors.length > 0) {
      throw problem.notificationPreferences(undefined, errors);
    }
    const profile = await this.mine(caller, scope);
    const before = structuredClone(profile);
    if (dto.locale) profile.locale = dto.locale;
    if (dto.categories)
      profile.categories = {
        ...profile.categories,
        ...(dto.categories as RecipientProfile['categories']),
      };
    if (dto.quietHours !== undefined) profile.quietHours = dto.quietHours;
    if (scope === 'account') profile.roles = caller.roles;
    await this.save(profile, {
      caller,
      action: 'notification-preferences.updated',
      before,
      correlationId,
    });
    return profile;
  }

  /** Adds an e-mail address or a webhook; a webhook's secret is in the answer, and only there. */
  async addEndpoint(
    caller: Identity,
    dto: CreateNotificationEndpointDto,
    correlationId?: string,
  ): Promise<{ profile: RecipientProfile; endpoint: EmailEndpoint | WebhookEndpoint }> {
    if (dto.owner === 'unit') this.assertMayEditUnit(caller);
    const invalid = (pointer: string, zh: string, en: string) =>
      problem.validation(undefined, [{ pointer, rule: 'required', message: { zh, en } }]);
    const profile = await this.mine(caller, dto.owner);
    const before = structuredClone(profile);
    const now = this.clock.now();
    let endpoint: EmailEndpoint | WebhookEndpoint;
    if (dto.channel === 'email') {
      if (!dto.address) throw invalid('/address', '邮件端点需要 address', 'an e-mail endpoint needs an address');
      const existing = profile.emails.find((e) => e.address.toLowerCase() === dto.address.toLowerCase());
      endpoint = existing ?? {
        id: `em_${randomBytes(6).toString('hex')}`,
        address: dto.address,
        createdAt: now,
        createdBy: caller.sub,
      };
      if (!existing) profile.emails.push(endpoint);
    } else {
      if (!dto.url) throw invalid('/url', 'Webhook 端点需要 url', 'a webhook endpoint needs a url');
      endpoint = {
        id: `wh_${randomBytes(6).toString('hex')}`,
        url: dto.url,
        secret: `whsec_${randomBytes(24).toString('base64url')}`,
        createdAt: now,
        createdBy: caller.sub,
        ...(dto.description ? { description: dto.description } : {}),
      };
      profile.webhooks.push(endpoint);
    }
    if (dto.owner === 'account') profile.roles = caller.roles;
    await this.save(profile, {
      caller,
      action: 'notification-endpoint.added',
      before,
      correlationId,
    });
    if (dto.owner === 'account') await this.subscribe(caller, true, correlationId);
    return { profile, endpoint };
  }

  async removeEndpoint(caller: Identity, id: string, correlationId?: string): Promise<void> {
    for (const scope of ['unit', 'account'] as const) {
      const profile = await this.get(scope === 'unit' ? unitKey(caller.orgUnitId) : accountKey(caller.sub));
      if (!profile) continue;
      const before = structuredClone(profile);
      profile.emails = profile.emails.filter((e) => e.id !== id);
      profile.webhooks = profile.webhooks.filter((w) => w.id !== id);
      if (profile.emails.length + profile.webhooks.length === before.emails.length + before.webhooks.length) continue;
      if (scope === 'unit') this.assertMayEditUnit(caller);
      await this.save(profile, {
        caller,
        action: 'notification-endpoint.removed',
        before,
        correlationId,
      });
      if (scope === 'account' && profile.emails.length + profile.webhooks.length === 0) await this.subscribe(caller, false, correlationId);
      return;
    }
    throw problem.notFound({
      zh: '找不到通知端点',
      en: 'Notification endpoint not found',
    });
  }

  /** Records (or drops) an account among its unit's subscribers, with its current roles. */
  private async subscribe(caller: Identity, on: boolean, correlationId?: string) {
    const unit =
      (await this.get(unitKey(caller.orgUnitId))) ??
      emptyProfile(unitKey(caller.orgUnitId), 'unit', caller.orgUnitId, [], this.clock.now());
    const before = structuredClone(unit);
    unit.subscribers = unit.subscribers.filter((s) => s.accountId !== caller.sub);
    if (on) unit.subscribers.push({ accountId: caller.sub, roles: caller.roles });
    const action = on ? 'notification-subscriber.added' : 'notification-subscriber.removed';
    await this.save(unit, { caller, action, before, correlationId });
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { defineDocument, field, type DocumentType } from '@pb/persistence';
import { IDENTITY_CONFIG, type IdentityConfig } from '../identity.config.js';

export const LOGIN_COUNTER_MODEL = 'LoginCounter';
export const LoginCounterSchema = defineDocument({
  collection: 'login_counters',
  fields: { count: field.number(), windowStart: field.date() },
});
/** A failed-login counter in the store, so every gateway replica sees the same count. */
export type LoginCounter = DocumentType<typeof LoginCounterSchema>;

/**
 * Login throttling per account and per client IP: a fixed window of failures (LOGIN_THROTTLE_WINDOW_S).
 * Past the limit, logins for that account or from that IP answer 429 with Retry-After until the
 * window ends, whatever the password. A success clears the account's counter, not the IP's.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    @InjectModel(LOGIN_COUNTER_MODEL) private readonly counters: Model<LoginCounter>,
    @Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig,
  ) {}

  private keys(username: string, ip: string) {
    return [
      { id: `account:${username.toLowerCase()}`, limit: this.config.throttle.perAccount },
      { id: `ip:${ip}`, limit: this.config.throttle.perIp },
    ];
  }

  /** Seconds until a login may be tried again, or 0 when it may be tried now. */
  async blockedFor(username: string, ip: string): Promise<number> {
    const windowMs = this.config.throttle.windowS * 1000;
    const keys = this.keys(username, ip);
    const rows = await this.counters.find({ _id: { $in: keys.map((k) => k.id) } }).lean<LoginCounter[]>();
    let wait = 0;
    const now = Date.now();
    for (const row of rows) {
      const limit = keys.find((k) => k.id === row._id)!.limit;
      const ends = row.windowStart.getTime() + windowMs;
      if (row.count >= limit && ends > now) wait = Math.max(wait, Math.ceil((ends - now) / 1000));
    }
    return wait;
  }

  async recordFailure(username: string, ip: string): Promise<void> {
    const windowMs = this.config.throttle.windowS * 1000;
    for (const { id } of this.keys(username, ip)) {
      const now = new Date();
      const inWindow = await this.counters.updateOne(
        { _id: id, windowStart: { $gt: new Date(now.getTime() - windowMs) } },
        { $inc: { count: 1 } },
      );
      if (inWindow.matchedCount === 0) {
        await this.counters.updateOne({ _id: id }, { $set: { count: 1, windowStart: now } }, { upsert: true });
      }
    }
  }

  async recordSuccess(username: string): Promise<void> {
    await this.counters.deleteOne({ _id: `account:${username.toLowerCase()}` });
  }
}

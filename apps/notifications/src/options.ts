import type { NotificationCatalog } from './rules/catalog.js';

export const NOTIFICATIONS_OPTIONS = Symbol('NOTIFICATIONS_OPTIONS');

export interface NotificationsOptions {
  /** How often the scheduler and the worker look at the clock; 0 turns the timers off (tests call tick()). */
  tickMs: number;
  timeZone: string;
  reminderDays: number[];
  reminderHour: number;
  digestWindowMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  maxAttempts: number;
  batchSize: number;
  /** null: e-mail is off (no SMTP server configured); e-mail deliveries are not created. */
  smtp: { url: string; from: string; poolSize: number } | null;
  webhookTimeoutMs: number;
  /** Events older than this (by `ce_time`) give no immediate notice: a new consumer group replays history. Default 7 days. */
  maxEventAgeMs?: number;
  /** A claim older than this whose outcome was never written belongs to a worker that died. */
  claimStaleMs?: number;
  /** Rules, categories and templates; defaults to every registered service's (rules/index.ts). */
  catalog?: NotificationCatalog;
}

export const NOTIFICATION_CATALOG = Symbol('NOTIFICATION_CATALOG');

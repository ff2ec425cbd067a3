import 'reflect-metadata';
import { loadConfig, startDomainService } from '@pb/platform';
import { notificationsEnv } from './config.js';
import { NotificationsModule } from './notifications.module.js';

/** 通知 notifications: reminders, overdue alerts, review notices; inbox, e-mail, signed webhooks. */
startDomainService({
  service: 'notifications',
  consume: true,
  features: () => {
    const env = loadConfig(notificationsEnv);
    return [
      NotificationsModule.register({
        tickMs: env.NOTIFICATIONS_TICK_MS,
        timeZone: env.NOTIFICATIONS_TIME_ZONE,
        reminderDays: env.NOTIFICATIONS_REMINDER_DAYS,
        reminderHour: env.NOTIFICATIONS_REMINDER_HOUR,
        digestWindowMs: env.NOTIFICATIONS_DIGEST_WINDOW_MS,
        retryBaseMs: env.NOTIFICATIONS_RETRY_BASE_MS,
        retryMaxMs: env.NOTIFICATIONS_RETRY_MAX_MS,
        maxAttempts: env.NOTIFICATIONS_MAX_ATTEMPTS,
        batchSize: env.NOTIFICATIONS_BATCH_SIZE,
        smtp: env.SMTP_URL ? { url: env.SMTP_URL, from: env.SMTP_FROM, poolSize: env.SMTP_POOL_SIZE } : null,
        webhookTimeoutMs: env.WEBHOOK_TIMEOUT_MS,
        maxEventAgeMs: env.NOTIFICATIONS_MAX_EVENT_AGE_MS,
      }),
    ];
  },
});

import { makeValidator, num, str } from 'envalid';
import { timeZone } from '@pb/platform';

const offsets = makeValidator<number[]>((input) => {
  const list = input
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n < 0 || n > 28))
    throw new Error('must list whole days 0-28, e.g. 3,1');
  return [...new Set(list)].sort((a, b) => b - a);
});

const smtpUrl = makeValidator<string>((input) => {
  if (input === '') return '';
  if (!/^smtps?:\/\/[^\s]+$/.test(input))
    throw new Error('must be smtp://host:port or smtps://user:pass@host:port, or empty to turn e-mail off');
  return input;
});

/** Notification's own variables, validated at boot like the common ones. */
export const notificationsEnv = {
  NOTIFICATIONS_TICK_MS: num({
    default: 5_000,
    desc: 'How often the reminder scheduler and the delivery worker look at the clock; 0 turns them off',
  }),
  NOTIFICATIONS_TIME_ZONE: timeZone({
    default: 'Asia/Shanghai',
    desc: 'City time zone of reminders and quiet hours',
  }),
  NOTIFICATIONS_REMINDER_DAYS: offsets({
    default: [3, 1],
    desc: 'Reminders this many days before the last day of a deadline, e.g. 3,1',
  }),
  NOTIFICATIONS_REMINDER_HOUR: num({ default: 9, desc: 'Local hour reminders go out' }),
  NOTIFICATIONS_DIGEST_WINDOW_MS: num({
    default: 120_000,
    desc: 'E-mails to one recipient within this window collapse into one digest; 0 sends each at once',
  }),
  NOTIFICATIONS_RETRY_BASE_MS: num({
    default: 30_000,
    desc: 'First retry delay; doubles per attempt',
  }),
  NOTIFICATIONS_RETRY_MAX_MS: num({ default: 3_600_000, desc: 'Longest retry delay' }),
  NOTIFICATIONS_MAX_ATTEMPTS: num({ default: 8, desc: 'Attempts before a delivery is failed' }),
  NOTIFICATIONS_BATCH_SIZE: num({ default: 500, desc: 'Deliveries or reminders handled per pass' }),
  NOTIFICATIONS_MAX_EVENT_AGE_MS: num({
    default: 7 * 86_400_000,
    desc: 'Events older than this give no immediate notice (a new consumer group replays history)',
  }),
  SMTP_URL: smtpUrl({
    default: '',
    desc: 'SMTP server for e-mail (sensitive: may hold credentials); empty turns e-mail off',
  }),
  SMTP_FROM: str({
    default: '党建工作平台 <noreply@partybuilding.local>',
    desc: 'From address of e-mails',
  }),
  SMTP_POOL_SIZE: num({ default: 5, desc: 'Concurrent SMTP connections' }),
  WEBHOOK_TIMEOUT_MS: num({ default: 10_000, desc: 'Time a webhook receiver gets to answer' }),
};

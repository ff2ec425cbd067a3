import 'reflect-metadata';
import { startDomainService } from '@pb/platform';

/** 通知 notifications: reminders, overdue alerts, inbox, e-mail, webhooks. Its features arrive with their issues. */
startDomainService({
  service: 'notifications',
  consume: true,
  features: () => [],
});

import type { FromSchema } from 'json-schema-to-ts';

/** 通知渠道 The channels a notice can take. */
export const NOTIFICATION_CHANNELS = ['inbox', 'email', 'webhook'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

const hhmm = {
  type: 'string',
  pattern: '^([01]\\d|2[0-3]):[0-5]\\d$',
  description: 'HH:mm in the city time zone. 城市時區',
} as const;

/**
 * 通知偏好 What an org unit or an account receives: per category, per channel; quiet hours; language.
 * Critical categories (overdue, returned) cannot be switched off and quiet hours do not delay them.
 */
export const NotificationPreferencesSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    locale: {
      type: 'string',
      enum: ['zh-Hans', 'en'],
      description: 'Language of e-mails and webhooks. 郵件與推送語言（默認 zh-Hans）',
    },
    categories: {
      type: 'object',
      description:
        'Category -> channel -> on/off; what is not named stays on. 類別 × 渠道開關，未列出者為開',
      propertyNames: { pattern: '^[a-z][a-z0-9-]{1,63}$' },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: {
          inbox: { type: 'boolean' },
          email: { type: 'boolean' },
          webhook: { type: 'boolean' },
        },
      },
    },
    quietHours: {
      type: ['object', 'null'],
      additionalProperties: false,
      required: ['start', 'end'],
      properties: { start: hhmm, end: hhmm },
      description:
        'E-mails and webhooks of non-critical notices wait until the end. 免打擾時段（僅延後非緊急通知）',
    },
  },
} as const;
export type NotificationPreferencesDto = FromSchema<typeof NotificationPreferencesSchema>;

/** 通知端點 An e-mail address or a webhook URL of the caller's unit or of the caller's own account. */
export const CreateNotificationEndpointSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['owner', 'channel'],
  properties: {
    owner: {
      type: 'string',
      enum: ['unit', 'account'],
      description: 'Your org unit or your own account. 本單位或本人賬號',
    },
    channel: { type: 'string', enum: ['email', 'webhook'] },
    address: {
      type: 'string',
      format: 'email',
      maxLength: 254,
      description: 'For e-mail. 郵箱地址',
    },
    url: {
      type: 'string',
      format: 'uri',
      pattern: '^https?://',
      maxLength: 2000,
      description: "For webhooks: the school system's receiver. 學校系統接收地址",
    },
    description: { type: 'string', maxLength: 200 },
  },
} as const;
export type CreateNotificationEndpointDto = FromSchema<typeof CreateNotificationEndpointSchema>;

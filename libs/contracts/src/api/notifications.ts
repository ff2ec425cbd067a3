import type { FromSchema } from 'json-schema-to-ts';
import { body } from './fragments.js';

/** 通知渠道 The channels a notice can take. */
export const NOTIFICATION_CHANNELS = ['inbox', 'email', 'webhook'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

const hhmm = {
  type: 'string',
  pattern: '^([01]\\d|2[0-3]):[0-5]\\d$',
  description: 'HH:mm in the city time zone. 城市时区',
} as const;

/**
 * 通知类别 The notice categories and whether each is critical (cannot be muted, not delayed by quiet
 * hours). Part of the API: preferences name them. A service that adds notices adds its categories here.
 */
export const NOTICE_CATEGORIES = {
  'deadline-reminder': { critical: false },
  'report-overdue': { critical: true },
  'report-returned': { critical: true },
  'report-accepted': { critical: false },
} as const;

const switches = {
  type: 'object',
  additionalProperties: false,
  properties: {
    inbox: { type: 'boolean' },
    email: { type: 'boolean' },
    webhook: { type: 'boolean' },
  },
} as const;
const alwaysOn = {
  type: 'object',
  additionalProperties: false,
  description: 'Critical: cannot be muted. 紧急通知，不可关闭',
  properties: { inbox: { const: true }, email: { const: true }, webhook: { const: true } },
} as const;

/**
 * 通知偏好 What an org unit or an account receives: per category, per channel; quiet hours; language.
 * Critical categories (overdue, returned) cannot be switched off and quiet hours do not delay them.
 */
export const NotificationPreferencesSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    locale: {
      type: 'string',
      enum: ['zh-Hans', 'en'],
      description: 'Language of e-mails and webhooks. 邮件与推送语言（默认 zh-Hans）',
    },
    categories: {
      type: 'object',
      additionalProperties: false,
      description: 'Category -> channel -> on/off; what is not named stays on. 类别 × 渠道开关，未列出者为开',
      properties: {
        'deadline-reminder': switches,
        'report-overdue': alwaysOn,
        'report-returned': alwaysOn,
        'report-accepted': switches,
      },
    },
    quietHours: {
      type: ['object', 'null'],
      additionalProperties: false,
      required: ['start', 'end'],
      properties: { start: hhmm, end: hhmm },
      description: 'E-mails and webhooks of non-critical notices wait until the end. 免打扰时段（仅延后非紧急通知）',
    },
  },
} as const;
export type NotificationPreferencesDto = FromSchema<typeof NotificationPreferencesSchema>;

/** One kind of endpoint: owner, description, the channel and where it delivers (`target`, required). */
const endpoint = <const C extends string, const T extends string, const A extends object>(channel: C, target: T, address: A) =>
  body(['owner', 'channel', target], {
    owner: { type: 'string', enum: ['unit', 'account'], description: 'Your org unit or your own account. 本单位或本人账号' },
    description: { type: 'string', maxLength: 200 },
    channel: { type: 'string', const: channel },
    ...({ [target]: address } as Record<T, A>),
  });

/** 通知端点 An e-mail address or a webhook URL of the caller's unit or of the caller's own account. */
export const CreateNotificationEndpointSchema = {
  oneOf: [
    endpoint('email', 'address', { type: 'string', format: 'email', maxLength: 254, description: 'E-mail address. 邮箱地址' }),
    endpoint('webhook', 'url', {
      type: 'string',
      format: 'uri',
      pattern: '^https?://',
      maxLength: 2000,
      description: "The school system's receiver. 学校系统接收地址",
    }),
  ],
} as const;
export type CreateNotificationEndpointDto = FromSchema<typeof CreateNotificationEndpointSchema>;

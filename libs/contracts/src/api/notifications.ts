import type { FromSchema } from 'json-schema-to-ts';
import { anyInteger, anyString, bilingual, body, dateTime, dateTimeOrNull, dueAtSchema, strings, view } from './fragments.js';

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
 * `optIn` lists the channels a category takes only once a recipient switches them on (a notice every
 * school's submission brings would otherwise be one e-mail and one webhook call per school).
 */
export const NOTICE_CATEGORIES = {
  'deadline-reminder': { critical: false },
  // 待审核: a report reached its reviewing bureau; the inbox is the review queue, e-mail and webhooks on request.
  'report-awaiting-review': { critical: false, optIn: ['email', 'webhook'] },
  'report-overdue': { critical: true },
  'report-returned': { critical: true },
  'report-accepted': { critical: false },
  'assignment-ending': { critical: false },
  // 考核与督查 evaluation (docs/adr/0022)
  'assessment-result': { critical: false },
  'rectification-reminder': { critical: false },
  'rectification-overdue': { critical: true },
  'selection-notice': { critical: false },
  'selection-objection': { critical: false },
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
      description:
        "Category -> channel -> on/off; what is not named keeps the category's default: on, except the channels the category lists as optIn. 类别 × 渠道开关，未列出者按类别默认（开；optIn 所列渠道需主动开启）",
      properties: {
        'deadline-reminder': switches,
        'report-awaiting-review': switches,
        'report-overdue': alwaysOn,
        'report-returned': alwaysOn,
        'report-accepted': switches,
        'assignment-ending': switches,
        'assessment-result': switches,
        'rectification-reminder': switches,
        'rectification-overdue': alwaysOn,
        'selection-notice': switches,
        'selection-objection': switches,
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

/** The preferences in force for a unit or an account (GET and PUT .../preferences/{scope}). */
export const NotificationPreferencesViewSchema = view(['key', 'locale', 'categories', 'quietHours'], {
  key: { type: 'string', description: 'Whose preferences: the unit or the account. 所属单位或账号' },
  locale: NotificationPreferencesSchema.properties.locale,
  categories: {
    type: 'object',
    additionalProperties: { type: 'object', properties: switches.properties },
    description: NotificationPreferencesSchema.properties.categories.description,
  },
  quietHours: NotificationPreferencesSchema.properties.quietHours,
});

const channel = { type: 'string', enum: NOTIFICATION_CHANNELS } as const;

/** 站内通知 One notice of an inbox, its title and body in the language asked for. */
export const InboxNoticeViewSchema = view(
  ['id', 'noticeId', 'category', 'critical', 'title', 'body', 'unitId', 'data', 'createdAt', 'readAt', 'archivedAt'],
  {
    id: anyString,
    noticeId: anyString,
    category: anyString,
    critical: { type: 'boolean', description: 'Cannot be muted or delayed. 紧急' },
    title: anyString,
    body: anyString,
    unitId: anyString,
    data: {
      type: 'object',
      description: 'What the notice is about (ids, periodId, dueAt: the first late instant ...). 通知参数',
      properties: { dueAt: dueAtSchema },
    },
    createdAt: dateTime,
    readAt: dateTimeOrNull,
    archivedAt: dateTimeOrNull,
  },
);

export const UnreadCountViewSchema = view(['unread', 'critical'], {
  unread: { type: 'integer', description: 'Unread notices 未读数' },
  critical: { type: 'integer', description: 'Of them critical 其中紧急' },
});

export const MarkedReadViewSchema = view(['marked'], { marked: { type: 'integer', description: 'Notices marked read 标为已读数' } });

export const NoticeCategoriesViewSchema = view(['categories', 'channels', 'emailEnabled'], {
  categories: {
    type: 'array',
    items: view(['id', 'critical', 'label', 'optIn'], {
      id: anyString,
      critical: { type: 'boolean' },
      label: bilingual,
      optIn: {
        type: 'array',
        items: channel,
        description: 'Channels off until the recipient switches them on in its preferences. 需在偏好中主动开启的渠道',
      },
    }),
  },
  channels: { type: 'array', items: channel },
  emailEnabled: { type: 'boolean', description: 'Whether e-mail is configured. 邮件是否启用' },
});

const endpointView = {
  id: { type: 'string', description: 'em_... | wh_...' },
  createdAt: dateTime,
  createdBy: anyString,
} as const;
const emailEndpointView = view(['id', 'address', 'createdAt', 'createdBy'], { ...endpointView, address: anyString });
const webhookEndpointView = view(['id', 'url', 'createdAt', 'createdBy'], {
  ...endpointView,
  url: anyString,
  description: anyString,
});
const endpointsOf = view(['emails', 'webhooks'], {
  emails: { type: 'array', items: emailEndpointView },
  webhooks: { type: 'array', items: webhookEndpointView, description: 'Without their secrets. 不含密钥' },
});

export const NotificationEndpointsViewSchema = view(['unit', 'account', 'emailEnabled'], {
  unit: endpointsOf,
  account: endpointsOf,
  emailEnabled: { type: 'boolean' },
});

/** The endpoint just added; a webhook's signing secret only here. */
export const NotificationEndpointViewSchema = view(['id', 'owner', 'channel', 'createdAt', 'createdBy'], {
  ...endpointView,
  owner: { type: 'string', enum: ['unit', 'account'] },
  channel: { type: 'string', enum: ['email', 'webhook'] },
  address: anyString,
  url: anyString,
  description: anyString,
  secret: { type: 'string', description: 'HMAC-SHA256 signing secret of a webhook: shown only in this answer. 签名密钥（仅显示一次）' },
});

const logKind = { type: 'string', enum: ['delivered', 'sent', 'retry', 'failed', 'read', 'archived'] } as const;

/** 投递日志 One entry of the delivery log. */
export const DeliveryLogEntrySchema = view(['id', 'deliveryId', 'kind', 'at', 'channel', 'recipientKey', 'category', 'unitId'], {
  id: anyString,
  deliveryId: { type: 'string', description: '<noticeId>:<recipient>:<channel>' },
  kind: logKind,
  attempt: anyInteger,
  at: dateTime,
  error: anyString,
  nextAttemptAt: dateTime,
  digestSize: anyInteger,
  channel,
  recipientKey: anyString,
  category: anyString,
  unitId: anyString,
});

/** One delivery: the notice to one recipient on one channel, its status, attempts and history. */
export const DeliveryViewSchema = view(
  ['id', 'noticeId', 'category', 'channel', 'recipientKey', 'unitId', 'status', 'attempts', 'history'],
  {
    ...strings('id', 'noticeId', 'eventId', 'category'),
    traceId: {
      type: 'string',
      pattern: '^[0-9a-f]{32}$',
      description:
        'The OpenTelemetry trace of the event that caused the notice (W3C trace id), when tracing was on where it was published. 引发该通知的事件所属链路（trace id）',
    },
    critical: { type: 'boolean' },
    template: anyString,
    params: { type: 'object' },
    channel,
    recipientKey: anyString,
    recipient: { type: 'object' },
    owner: anyString,
    audienceRoles: { type: 'array', items: anyString },
    unitId: anyString,
    scopePath: { type: 'array', items: anyString },
    locale: anyString,
    status: anyString,
    attempts: anyInteger,
    nextAttemptAt: dateTimeOrNull,
    target: { type: 'object', description: 'Where it goes: the e-mail addresses or the webhook. 投递目标' },
    history: { type: 'array', items: DeliveryLogEntrySchema },
    createdAt: dateTime,
    readAt: dateTimeOrNull,
    archivedAt: dateTimeOrNull,
  },
);

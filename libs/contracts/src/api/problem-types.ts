/**
 * 问题类型目录 The catalogue of RFC 9457 problem types the API answers with: each type once, with its
 * status and its title in both languages. Code raises problems only through it (`problem.*` in @pb/platform),
 * and the OpenAPI Problem schema lists its URLs.
 */
export const PROBLEM_TYPE_BASE = 'https://partybuilding.edu.cn/problems';

export interface ProblemTypeSpec {
  /** The last segment of the type URL. */
  readonly slug: string;
  readonly status: number;
  readonly title: { readonly zh: string; readonly en: string };
}

export const PROBLEM_TYPES = {
  validation: { slug: 'validation', status: 400, title: { zh: '请求内容不符合规则', en: 'The request breaks the rules of its schema' } },
  invalidCredentials: { slug: 'invalid-credentials', status: 401, title: { zh: '账号或密码错误', en: 'Wrong username or password' } },
  invalidRefreshToken: {
    slug: 'invalid-refresh-token',
    status: 401,
    title: { zh: '刷新令牌无效、已使用或已登出', en: 'The refresh token is invalid, used or logged out' },
  },
  forbidden: { slug: 'forbidden', status: 403, title: { zh: '无权限', en: 'Forbidden' } },
  forbiddenRole: {
    slug: 'forbidden-role',
    status: 403,
    title: { zh: '您的角色无权调用此接口', en: 'Your role may not call this operation' },
  },
  forbiddenForApiKeys: {
    slug: 'forbidden-for-api-keys',
    status: 403,
    title: { zh: '接口密钥不能管理密钥，请用账号登录', en: 'API keys cannot manage API keys; log in with an account' },
  },
  roleNotGrantable: {
    slug: 'role-not-grantable',
    status: 403,
    title: { zh: '您不能授予所请求的角色', en: 'You may not grant the requested role' },
  },
  notFound: { slug: 'not-found', status: 404, title: { zh: '找不到资源', en: 'Not found' } },
  methodNotAllowed: {
    slug: 'method-not-allowed',
    status: 405,
    title: { zh: '此路径不支持该请求方法', en: 'This path does not support the method' },
  },
  conflict: { slug: 'conflict', status: 409, title: { zh: '与当前状态冲突', en: 'Conflicts with the current state' } },
  duplicate: { slug: 'duplicate', status: 409, title: { zh: '已存在相同的资源', en: 'Already exists' } },
  locked: { slug: 'locked', status: 409, title: { zh: '报表已锁定', en: 'The report is locked' } },
  stale: {
    slug: 'stale',
    status: 409,
    title: { zh: '资源刚被修改，请重新读取后再试', en: 'The resource changed meanwhile; read it again and retry' },
  },
  assignmentOverlap: {
    slug: 'assignment-overlap',
    status: 409,
    title: { zh: '与此人的另一项挂职或支教时间重叠', en: "Overlaps another of the person's assignments" },
  },
  staleWrite: { slug: 'stale-write', status: 412, title: { zh: '资源已被修改', en: 'Precondition failed' } },
  unsupportedMediaType: {
    slug: 'unsupported-media-type',
    status: 415,
    title: { zh: '不支持的内容类型或字符集', en: 'Unsupported media type or charset' },
  },
  ruleViolation: { slug: 'rule-violation', status: 422, title: { zh: '违反业务规则', en: 'Breaks a rule' } },
  idempotencyKeyReused: {
    slug: 'idempotency-key-reused',
    status: 422,
    title: { zh: '此 Idempotency-Key 已用于另一个请求', en: 'This Idempotency-Key was used for a different request' },
  },
  windowNotOpen: { slug: 'window-not-open', status: 422, title: { zh: '报送窗口尚未开放', en: 'The reporting window is not open yet' } },
  periodNotReportable: {
    slug: 'period-not-reportable',
    status: 422,
    title: { zh: '本党组织在该期次无须填报', en: 'No report is expected of this party organisation for this period' },
  },
  emptyReport: { slug: 'empty-report', status: 422, title: { zh: '没有可报送的内容', en: 'There is nothing to submit' } },
  notificationPreferences: {
    slug: 'notification-preferences',
    status: 422,
    title: { zh: '通知设定无效', en: 'Invalid notification preferences' },
  },
  idempotencyKeyRequired: {
    slug: 'idempotency-key-required',
    status: 428,
    title: { zh: '缺少 Idempotency-Key 标头', en: 'An Idempotency-Key header is required' },
  },
  ifMatchRequired: {
    slug: 'if-match-required',
    status: 428,
    title: { zh: '更新需要 If-Match 标头', en: 'An update needs an If-Match header' },
  },
  rateLimited: { slug: 'rate-limited', status: 429, title: { zh: '请求过于频繁', en: 'Too many requests' } },
  loginThrottled: { slug: 'login-throttled', status: 429, title: { zh: '登录失败次数过多', en: 'Too many failed logins' } },
  busy: { slug: 'busy', status: 503, title: { zh: '组织树正在变更，请稍后重试', en: 'The org tree is being changed; retry shortly' } },
  storeUnavailable: {
    slug: 'store-unavailable',
    status: 503,
    title: { zh: '数据存储暂不可用，请稍后重试', en: 'The data store is unavailable; retry shortly' },
  },
  // Bulk import (docs/adr/0020): a file refused whole, nothing applied.
  fileTooLarge: { slug: 'file-too-large', status: 413, title: { zh: '文件超过大小上限', en: 'The file is larger than the limit' } },
  importHeader: { slug: 'import-header', status: 422, title: { zh: '表头与模板不符', en: 'The header row does not match the template' } },
  emptyFile: { slug: 'empty-file', status: 422, title: { zh: '文件没有数据行', en: 'The file has no data rows' } },
  upstreamUnavailable: {
    slug: 'upstream-unavailable',
    status: 503,
    title: { zh: '后端服务暂不可用', en: 'The owning service is unavailable' },
  },
  // Graceful shutdown (docs/adr/0024): readiness of a draining instance, and what it refuses at the very end.
  shuttingDown: {
    slug: 'shutting-down',
    status: 503,
    title: { zh: '该实例正在关闭，请重试', en: 'This instance is shutting down; retry' },
  },
} as const satisfies Record<string, ProblemTypeSpec>;

export type ProblemTypeName = keyof typeof PROBLEM_TYPES;

/** The URL of one catalogued type; a URL outside the catalogue is not of this type. */
export type ProblemTypeUrl = `${typeof PROBLEM_TYPE_BASE}/${(typeof PROBLEM_TYPES)[ProblemTypeName]['slug']}`;

export const problemTypeUrl = (name: ProblemTypeName): ProblemTypeUrl => `${PROBLEM_TYPE_BASE}/${PROBLEM_TYPES[name].slug}`;

/** Every catalogued URL, for the OpenAPI Problem schema. */
export const PROBLEM_TYPE_URLS: readonly ProblemTypeUrl[] = (Object.keys(PROBLEM_TYPES) as ProblemTypeName[]).map(problemTypeUrl);

import type { FromSchema } from 'json-schema-to-ts';
import { subtreeListQuery, unitIdSchema as unitId } from './common.js';
import { anyInteger, anyString, body, dateTime, patchBody, text, view } from './fragments.js';

/** 角色 Roles an account or API key carries (ARCHITECTURE.md §7). */
export const RoleNames = ['city-admin', 'county-admin', 'school-secretary', 'inspector', 'analyst'] as const;
const role = { type: 'string', enum: RoleNames } as const;

export const LoginSchema = body(['username', 'password'], {
  username: text(64, 'Account name. 账号'),
  password: text(256, 'Password. 密码'),
});
export type LoginDto = FromSchema<typeof LoginSchema>;

export const RefreshSchema = body(['refreshToken'], { refreshToken: text(512, 'Refresh token. 刷新令牌') });
export type RefreshDto = FromSchema<typeof RefreshSchema>;

export const TokenPairSchema = view(['accessToken', 'tokenType', 'expiresIn', 'refreshToken', 'refreshExpiresIn'], {
  accessToken: { type: 'string', description: 'Short-lived JWT for `Authorization: Bearer`. 访问令牌' },
  tokenType: { type: 'string', enum: ['Bearer'] },
  expiresIn: { type: 'integer', description: 'Seconds the access token lives. 有效秒数' },
  refreshToken: { type: 'string', description: 'Single-use: each refresh returns a new one. 一次性刷新令牌' },
  refreshExpiresIn: anyInteger,
});

export const CreateAccountSchema = body(['username', 'displayName', 'orgUnitId', 'roles'], {
  username: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{2,63}$', description: 'Login name, lowercase. 登录名' },
  displayName: text(100, 'Name shown to people. 显示名称'),
  orgUnitId: { ...unitId, description: 'The org unit the account belongs to, inside your subtree. 所属单位' },
  roles: { type: 'array', minItems: 1, maxItems: 5, uniqueItems: true, items: role, description: 'Roles you may grant. 角色' },
  kind: { type: 'string', enum: ['person', 'system'], default: 'person', description: 'person 个人 | system 系统' },
  password: {
    type: 'string',
    minLength: 12,
    maxLength: 256,
    description: 'Initial password (12+ characters); generated and returned once when omitted. 初始密码',
  },
});
export type CreateAccountDto = FromSchema<typeof CreateAccountSchema>;

export const UpdateAccountSchema = patchBody({
  displayName: { type: 'string', minLength: 1, maxLength: 100 },
  disabled: { type: 'boolean', description: 'A disabled account cannot log in; its sessions end. 停用' },
});
export type UpdateAccountDto = FromSchema<typeof UpdateAccountSchema>;

export const AccountViewSchema = view(
  ['id', 'username', 'displayName', 'orgUnitId', 'roles', 'kind', 'disabled', 'version', 'createdAt', 'updatedAt'],
  {
    id: anyString,
    username: anyString,
    displayName: anyString,
    orgUnitId: anyString,
    roles: { type: 'array', items: role },
    kind: { type: 'string', enum: ['person', 'system'] },
    disabled: { type: 'boolean' },
    version: { type: 'integer', description: 'Also the ETag. 版本' },
    createdAt: dateTime,
    updatedAt: dateTime,
    initialPassword: { type: 'string', description: 'Only in the creation answer, when generated. 仅建立时返回' },
  },
);

export const AccountListQuerySchema = subtreeListQuery({});
export type AccountListQuery = FromSchema<typeof AccountListQuerySchema>;

export const MeSchema = view(['sub', 'orgUnitId', 'roles', 'via'], {
  sub: anyString,
  orgUnitId: anyString,
  roles: { type: 'array', items: role },
  via: { type: 'string', enum: ['token', 'api-key'], description: 'How you authenticated. 认证方式' },
});

/** Roles an API key may carry: never an administrator's. */
export const ApiKeyRoles = ['school-secretary', 'inspector', 'analyst'] as const;

export const CreateApiKeySchema = body(['name', 'orgUnitId'], {
  name: text(100, 'What the key is for. 用途'),
  orgUnitId: { ...unitId, description: 'The one org unit the key acts for. 作用单位' },
  role: { type: 'string', enum: ApiKeyRoles, default: 'school-secretary', description: 'Role of the key. 角色' },
});
export type CreateApiKeyDto = FromSchema<typeof CreateApiKeySchema>;

const dateTimeOrNull = { type: ['string', 'null'], format: 'date-time' } as const;
export const ApiKeyViewSchema = view(['id', 'name', 'orgUnitId', 'role', 'prefix', 'createdBy', 'createdAt', 'lastUsedAt', 'revokedAt'], {
  id: anyString,
  name: anyString,
  orgUnitId: anyString,
  role: { type: 'string', enum: ApiKeyRoles },
  prefix: { type: 'string', description: 'First characters of the key, to recognise it. 密钥前缀' },
  createdBy: anyString,
  createdAt: dateTime,
  lastUsedAt: dateTimeOrNull,
  revokedAt: dateTimeOrNull,
  key: { type: 'string', description: 'The key itself: only in the creation answer, never again. 密钥（仅显示一次）' },
});

export const ApiKeyListQuerySchema = AccountListQuerySchema;
export type ApiKeyListQuery = AccountListQuery;

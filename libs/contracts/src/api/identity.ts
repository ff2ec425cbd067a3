import type { FromSchema } from 'json-schema-to-ts';
import { pageQueryProperties, unitIdSchema as unitId } from './common.js';

/** 角色 Roles an account or API key carries (ARCHITECTURE.md §7). */
export const RoleNames = ['city-admin', 'county-admin', 'school-secretary', 'inspector', 'analyst'] as const;
const role = { type: 'string', enum: RoleNames } as const;

export const LoginSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['username', 'password'],
  properties: {
    username: { type: 'string', minLength: 1, maxLength: 64, description: 'Account name. 账号' },
    password: { type: 'string', minLength: 1, maxLength: 256, description: 'Password. 密码' },
  },
} as const;
export type LoginDto = FromSchema<typeof LoginSchema>;

export const RefreshSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['refreshToken'],
  properties: { refreshToken: { type: 'string', minLength: 1, maxLength: 512, description: 'Refresh token. 刷新令牌' } },
} as const;
export type RefreshDto = FromSchema<typeof RefreshSchema>;

export const TokenPairSchema = {
  type: 'object',
  required: ['accessToken', 'tokenType', 'expiresIn', 'refreshToken', 'refreshExpiresIn'],
  properties: {
    accessToken: { type: 'string', description: 'Short-lived JWT for `Authorization: Bearer`. 访问令牌' },
    tokenType: { type: 'string', enum: ['Bearer'] },
    expiresIn: { type: 'integer', description: 'Seconds the access token lives. 有效秒数' },
    refreshToken: { type: 'string', description: 'Single-use: each refresh returns a new one. 一次性刷新令牌' },
    refreshExpiresIn: { type: 'integer' },
  },
} as const;

export const CreateAccountSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['username', 'displayName', 'orgUnitId', 'roles'],
  properties: {
    username: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{2,63}$', description: 'Login name, lowercase. 登录名' },
    displayName: { type: 'string', minLength: 1, maxLength: 100, description: 'Name shown to people. 显示名称' },
    orgUnitId: { ...unitId, description: 'The org unit the account belongs to, inside your subtree. 所属单位' },
    roles: { type: 'array', minItems: 1, maxItems: 5, uniqueItems: true, items: role, description: 'Roles you may grant. 角色' },
    kind: { type: 'string', enum: ['person', 'system'], default: 'person', description: 'person 个人 | system 系统' },
    password: {
      type: 'string',
      minLength: 12,
      maxLength: 256,
      description: 'Initial password (12+ characters); generated and returned once when omitted. 初始密码',
    },
  },
} as const;
export type CreateAccountDto = FromSchema<typeof CreateAccountSchema>;

export const UpdateAccountSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    displayName: { type: 'string', minLength: 1, maxLength: 100 },
    disabled: { type: 'boolean', description: 'A disabled account cannot log in; its sessions end. 停用' },
  },
} as const;
export type UpdateAccountDto = FromSchema<typeof UpdateAccountSchema>;

export const AccountViewSchema = {
  type: 'object',
  required: ['id', 'username', 'displayName', 'orgUnitId', 'roles', 'kind', 'disabled', 'version', 'createdAt', 'updatedAt'],
  properties: {
    id: { type: 'string' },
    username: { type: 'string' },
    displayName: { type: 'string' },
    orgUnitId: { type: 'string' },
    roles: { type: 'array', items: role },
    kind: { type: 'string', enum: ['person', 'system'] },
    disabled: { type: 'boolean' },
    version: { type: 'integer', description: 'Also the ETag. 版本' },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
    initialPassword: { type: 'string', description: 'Only in the creation answer, when generated. 仅建立时返回' },
  },
} as const;

export const AccountListQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    unit: { ...unitId, description: 'Subtree root; defaults to your own unit. 查询范围' },
    ...pageQueryProperties,
  },
} as const;
export type AccountListQuery = FromSchema<typeof AccountListQuerySchema>;

export const MeSchema = {
  type: 'object',
  required: ['sub', 'orgUnitId', 'roles', 'via'],
  properties: {
    sub: { type: 'string' },
    orgUnitId: { type: 'string' },
    roles: { type: 'array', items: role },
    via: { type: 'string', enum: ['token', 'api-key'], description: 'How you authenticated. 认证方式' },
  },
} as const;

/** Roles an API key may carry: never an administrator's. */
export const ApiKeyRoles = ['school-secretary', 'inspector', 'analyst'] as const;

export const CreateApiKeySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'orgUnitId'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 100, description: 'What the key is for. 用途' },
    orgUnitId: { ...unitId, description: 'The one org unit the key acts for. 作用单位' },
    role: { type: 'string', enum: ApiKeyRoles, default: 'school-secretary', description: 'Role of the key. 角色' },
  },
} as const;
export type CreateApiKeyDto = FromSchema<typeof CreateApiKeySchema>;

export const ApiKeyViewSchema = {
  type: 'object',
  required: ['id', 'name', 'orgUnitId', 'role', 'prefix', 'createdBy', 'createdAt', 'lastUsedAt', 'revokedAt'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    orgUnitId: { type: 'string' },
    role: { type: 'string', enum: ApiKeyRoles },
    prefix: { type: 'string', description: 'First characters of the key, to recognise it. 密钥前缀' },
    createdBy: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    lastUsedAt: { type: ['string', 'null'], format: 'date-time' },
    revokedAt: { type: ['string', 'null'], format: 'date-time' },
    key: { type: 'string', description: 'The key itself: only in the creation answer, never again. 密钥（仅显示一次）' },
  },
} as const;

export const ApiKeyListQuerySchema = AccountListQuerySchema;
export type ApiKeyListQuery = AccountListQuery;

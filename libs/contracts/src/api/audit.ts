import type { FromSchema } from 'json-schema-to-ts';
import { subtreeListQuery } from './common.js';
import { anyString, dateTime, stringOrNull, view } from './fragments.js';

export const AuditQuerySchema = subtreeListQuery({
  category: { type: 'string', enum: ['write', 'auth'], description: 'write 写操作 | auth 登录与密钥使用' },
});
export type AuditQuery = FromSchema<typeof AuditQuerySchema>;

/** 审计记录 One audit entry: a write (with before and after) or an authentication event. */
export const AuditEntrySchema = view(['id', 'category', 'action', 'at', 'service', 'unitId', 'actor', 'resource', 'before', 'after'], {
  id: anyString,
  category: { type: 'string', enum: ['write', 'auth'] },
  action: { type: 'string', description: 'e.g. org-unit.created, auth.login-failed, api-key.used' },
  at: dateTime,
  service: anyString,
  unitId: stringOrNull,
  actor: {
    type: ['object', 'null'],
    properties: { sub: anyString, orgUnitId: anyString, roles: { type: 'array', items: anyString } },
  },
  resource: { type: ['object', 'null'], properties: { type: anyString, id: anyString } },
  before: { type: ['object', 'null'] },
  after: { type: ['object', 'null'] },
  ip: stringOrNull,
  correlationId: stringOrNull,
});
export type AuditQueryDto = AuditQuery;

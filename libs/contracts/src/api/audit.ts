import type { FromSchema } from 'json-schema-to-ts';
import { pageQueryProperties, unitIdSchema } from './common.js';

export const AuditQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    unit: { ...unitIdSchema, description: 'Subtree root; defaults to your own unit. 查询范围' },
    category: { type: 'string', enum: ['write', 'auth'], description: 'write 写操作 | auth 登录与密钥使用' },
    ...pageQueryProperties,
  },
} as const;
export type AuditQuery = FromSchema<typeof AuditQuerySchema>;

/** 审计记录 One audit entry: a write (with before and after) or an authentication event. */
export const AuditEntrySchema = {
  type: 'object',
  required: ['id', 'category', 'action', 'at', 'service', 'unitId', 'actor', 'resource', 'before', 'after'],
  properties: {
    id: { type: 'string' },
    category: { type: 'string', enum: ['write', 'auth'] },
    action: { type: 'string', description: 'e.g. org-unit.created, auth.login-failed, api-key.used' },
    at: { type: 'string', format: 'date-time' },
    service: { type: 'string' },
    unitId: { type: ['string', 'null'] },
    actor: {
      type: ['object', 'null'],
      properties: { sub: { type: 'string' }, orgUnitId: { type: 'string' }, roles: { type: 'array', items: { type: 'string' } } },
    },
    resource: { type: ['object', 'null'], properties: { type: { type: 'string' }, id: { type: 'string' } } },
    before: { type: ['object', 'null'] },
    after: { type: ['object', 'null'] },
    ip: { type: ['string', 'null'] },
    correlationId: { type: ['string', 'null'] },
  },
} as const;
export type AuditQueryDto = AuditQuery;

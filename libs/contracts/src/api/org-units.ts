import type { FromSchema } from 'json-schema-to-ts';
import { IsoDateSchema, SlugIdSchema } from './common.js';

const orgUnitKind = {
  type: 'string',
  enum: ['city-bureau', 'county-bureau', 'school', 'unit'],
  description: 'city-bureau 市教育局 | county-bureau 县区教育局 | school 学校 | unit 单位',
} as const;

/** Body of POST /api/v1/org-units. One schema: validation, OpenAPI and the TypeScript type. */
export const CreateOrgUnitSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['code', 'name', 'kind'],
  properties: {
    id: { ...SlugIdSchema, description: 'Optional stable id (lowercase slug); generated when omitted. 单位标识（可选）' },
    code: { type: 'string', pattern: '^[A-Za-z0-9-]{1,32}$', description: 'Code unique within the city. 单位代码' },
    name: { type: 'string', minLength: 1, maxLength: 100, description: 'Name. 单位名称' },
    kind: orgUnitKind,
    parentId: { type: ['string', 'null'], description: 'Parent unit; null only for the city bureau. 上级单位' },
    openedOn: { ...IsoDateSchema, description: 'Opening date (default: today). 开办日期' },
  },
} as const;

export type CreateOrgUnitDto = FromSchema<typeof CreateOrgUnitSchema>;

/** Body of POST /api/v1/org-units/batch: many units at once (a bureau's school list); parents may come earlier in the batch. */
export const BatchCreateOrgUnitsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['units'],
  properties: {
    units: { type: 'array', minItems: 1, maxItems: 1000, items: CreateOrgUnitSchema, description: 'At most 1,000 units. 单位列表' },
  },
} as const;
export type BatchCreateOrgUnitsDto = FromSchema<typeof BatchCreateOrgUnitsSchema>;

/** Body of PATCH /api/v1/org-units/{id}: rename. */
export const RenameOrgUnitSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: { name: { type: 'string', minLength: 1, maxLength: 100, description: 'New name. 新名称' } },
} as const;
export type RenameOrgUnitDto = FromSchema<typeof RenameOrgUnitSchema>;

/** Body of POST /api/v1/org-units/{id}/move: the unit and its whole subtree move under a new parent. */
export const MoveOrgUnitSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['parentId'],
  properties: { parentId: { type: 'string', minLength: 1, description: 'New parent unit. 新上级单位' } },
} as const;
export type MoveOrgUnitDto = FromSchema<typeof MoveOrgUnitSchema>;

/** Body of POST /api/v1/org-units/{id}/close. */
export const CloseOrgUnitSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['closedOn'],
  properties: { closedOn: { ...IsoDateSchema, description: 'Closing date. 撤销日期' } },
} as const;
export type CloseOrgUnitDto = FromSchema<typeof CloseOrgUnitSchema>;

/** An org unit as the API returns it. */
export const OrgUnitViewSchema = {
  type: 'object',
  required: ['id', 'code', 'name', 'kind', 'parentId', 'path', 'level', 'version', 'status'],
  properties: {
    id: { type: 'string' },
    code: { type: 'string' },
    name: { type: 'string' },
    kind: orgUnitKind,
    parentId: { type: ['string', 'null'] },
    path: { type: 'array', items: { type: 'string' }, description: 'Ancestor ids, root first, ending with this unit. 单位路径' },
    level: { type: 'integer', description: '0 = city bureau. 层级' },
    version: { type: 'integer' },
    status: { type: 'string', enum: ['open', 'closed'], description: '开办 / 撤销' },
    openedOn: { type: 'string', description: '开办日期' },
    closedOn: { type: ['string', 'null'], description: '撤销日期' },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
} as const;

/** One entry of an org unit's history (GET /api/v1/org-units/{id}/history). */
export const OrgUnitHistoryEntrySchema = {
  type: 'object',
  required: ['version', 'change', 'at'],
  properties: {
    version: { type: 'integer' },
    change: { type: 'string', enum: ['created', 'renamed', 'moved', 'closed'] },
    at: { type: 'string', format: 'date-time' },
    by: { type: 'string', description: 'Account that made the change.' },
    name: { type: 'string' },
    previousName: { type: 'string' },
    path: { type: 'array', items: { type: 'string' } },
    previousPath: { type: 'array', items: { type: 'string' } },
    moveId: { type: 'string' },
    closedOn: { type: 'string' },
  },
} as const;

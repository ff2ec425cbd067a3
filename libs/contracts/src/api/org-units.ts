import type { FromSchema } from 'json-schema-to-ts';
import { IsoDateSchema, SlugIdSchema } from './common.js';
import { anyInteger, anyString, body, dateTime, openClosed, stringList, stringOrNull, text, view, viewOf } from './fragments.js';

const orgUnitKind = {
  type: 'string',
  enum: ['city-bureau', 'county-bureau', 'school', 'unit'],
  description: 'city-bureau 市教育局 | county-bureau 县区教育局 | school 学校 | unit 单位',
} as const;

/** Body of POST /api/v1/org-units. One schema: validation, OpenAPI and the TypeScript type. */
export const CreateOrgUnitSchema = body(['code', 'name', 'kind'], {
  id: { ...SlugIdSchema, description: 'Optional stable id (lowercase slug); generated when omitted. 单位标识（可选）' },
  code: { type: 'string', pattern: '^[A-Za-z0-9-]{1,32}$', description: 'Code unique within the city. 单位代码' },
  name: text(100, 'Name. 单位名称'),
  kind: orgUnitKind,
  parentId: { type: ['string', 'null'], description: 'Parent unit; null only for the city bureau. 上级单位' },
  openedOn: { ...IsoDateSchema, description: 'Opening date (default: today). 开办日期' },
});

export type CreateOrgUnitDto = FromSchema<typeof CreateOrgUnitSchema>;

/** Body of POST /api/v1/org-units/batch: many units at once (a bureau's school list); parents may come earlier in the batch. */
export const BatchCreateOrgUnitsSchema = body(['units'], {
  units: { type: 'array', minItems: 1, maxItems: 1000, items: CreateOrgUnitSchema, description: 'At most 1,000 units. 单位列表' },
});
export type BatchCreateOrgUnitsDto = FromSchema<typeof BatchCreateOrgUnitsSchema>;

/** Body of PATCH /api/v1/org-units/{id}: rename. */
export const RenameOrgUnitSchema = body(['name'], { name: text(100, 'New name. 新名称') });
export type RenameOrgUnitDto = FromSchema<typeof RenameOrgUnitSchema>;

/** Body of POST /api/v1/org-units/{id}/move: the unit and its whole subtree move under a new parent. */
export const MoveOrgUnitSchema = body(['parentId'], {
  parentId: { type: 'string', minLength: 1, description: 'New parent unit. 新上级单位' },
});
export type MoveOrgUnitDto = FromSchema<typeof MoveOrgUnitSchema>;

/** Body of POST /api/v1/org-units/{id}/close. */
export const CloseOrgUnitSchema = body(['closedOn'], { closedOn: { ...IsoDateSchema, description: 'Closing date. 撤销日期' } });
export type CloseOrgUnitDto = FromSchema<typeof CloseOrgUnitSchema>;

/** An org unit as the API returns it. */
export const OrgUnitViewSchema = view(['id', 'code', 'name', 'kind', 'parentId', 'path', 'level', 'version', 'status'], {
  id: anyString,
  code: anyString,
  name: anyString,
  kind: orgUnitKind,
  parentId: stringOrNull,
  path: { ...stringList, description: 'Ancestor ids, root first, ending with this unit. 单位路径' },
  level: { type: 'integer', description: '0 = city bureau. 层级' },
  version: anyInteger,
  status: { ...openClosed, description: '开办 / 撤销' },
  openedOn: { type: 'string', description: '开办日期' },
  closedOn: { ...stringOrNull, description: '撤销日期' },
  createdAt: dateTime,
  updatedAt: dateTime,
});

/** The answer of POST /api/v1/org-units/batch: how many units were created and how many existed already (same code and data). */
export const BatchCreatedViewSchema = view(['created', 'existing'], {
  created: { type: 'integer', description: 'Units created 新建数' },
  existing: { type: 'integer', description: 'Units that existed already, unchanged 已存在数' },
});

/** The answer of a move: the unit in its new place, and how its subtree follows. */
export const MovedOrgUnitViewSchema = viewOf(
  OrgUnitViewSchema,
  {
    moveId: { type: 'string', description: 'Id of the move; every event of the move carries it. 迁移标识' },
    descendants: { type: 'integer', description: 'Units below it that move with it. 随之迁移的下级单位数' },
    following: { type: 'boolean', description: 'true (202): the subtree is still being rewritten. 下级仍在迁移中' },
  },
  ['moveId', 'descendants', 'following'],
);

/** One entry of an org unit's history (GET /api/v1/org-units/{id}/history). */
export const OrgUnitHistoryEntrySchema = view(['version', 'change', 'at'], {
  version: anyInteger,
  change: { type: 'string', enum: ['created', 'renamed', 'moved', 'closed'] },
  at: dateTime,
  by: { type: 'string', description: 'Account that made the change.' },
  name: anyString,
  previousName: anyString,
  path: stringList,
  previousPath: stringList,
  moveId: anyString,
  closedOn: anyString,
});

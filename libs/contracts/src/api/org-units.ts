import type { FromSchema } from 'json-schema-to-ts';

/** Body of POST /api/v1/org-units. One schema: validation, OpenAPI and the TypeScript type. */
export const CreateOrgUnitSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['code', 'name', 'kind'],
  properties: {
    id: {
      type: 'string',
      pattern: '^[a-z0-9][a-z0-9-]{2,63}$',
      description: 'Optional stable id (lowercase slug); generated when omitted. 單位標識（可選）',
    },
    code: { type: 'string', pattern: '^[A-Za-z0-9-]{1,32}$', description: 'Code unique within the city. 單位代碼' },
    name: { type: 'string', minLength: 1, maxLength: 100, description: 'Name. 單位名稱' },
    kind: {
      type: 'string',
      enum: ['city-bureau', 'county-bureau', 'school', 'unit'],
      description: 'city-bureau 市教育局 | county-bureau 縣區教育局 | school 學校 | unit 單位',
    },
    parentId: { type: ['string', 'null'], description: 'Parent unit; null only for the city bureau. 上級單位' },
  },
} as const;

export type CreateOrgUnitDto = FromSchema<typeof CreateOrgUnitSchema>;

/** An org unit as the API returns it. */
export const OrgUnitViewSchema = {
  type: 'object',
  required: ['id', 'code', 'name', 'kind', 'parentId', 'path', 'level', 'version'],
  properties: {
    id: { type: 'string' },
    code: { type: 'string' },
    name: { type: 'string' },
    kind: { type: 'string', enum: ['city-bureau', 'county-bureau', 'school', 'unit'] },
    parentId: { type: ['string', 'null'] },
    path: { type: 'array', items: { type: 'string' }, description: 'Ancestor ids, root first, ending with this unit. 單位路徑' },
    level: { type: 'integer', description: '0 = city bureau. 層級' },
    version: { type: 'integer' },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
} as const;

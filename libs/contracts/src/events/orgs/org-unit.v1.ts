import { defineEvent } from '../../event-contract.js';
import { Topics } from '../../topics.js';

const orgUnitKind = {
  type: 'string',
  description: 'city-bureau 市教育局 | county-bureau 縣區教育局 | school 學校 | unit 單位',
  enum: ['city-bureau', 'county-bureau', 'school', 'unit'],
} as const;

const orgUnitState = {
  type: 'object',
  additionalProperties: true,
  required: ['unitId', 'code', 'name', 'kind', 'parentId', 'path', 'level', 'version'],
  properties: {
    unitId: { type: 'string', minLength: 1, description: 'Org unit id (also the record key).' },
    code: { type: 'string', minLength: 1, description: 'Code unique within the city.' },
    name: { type: 'string', minLength: 1 },
    kind: orgUnitKind,
    parentId: { type: ['string', 'null'], description: 'Parent unit id; null for the city bureau.' },
    path: {
      type: 'array',
      items: { type: 'string' },
      description: 'Materialised path: ids of the ancestors, root first, ending with the unit itself.',
    },
    level: { type: 'integer', minimum: 0, description: 'Depth in the tree; 0 is the city bureau.' },
    version: { type: 'integer', minimum: 1, description: 'Aggregate version after this change.' },
  },
} as const;

/** 組織單位已建立 An org unit (bureau, school or unit) was created. */
export const OrgUnitCreatedV1 = defineEvent({
  type: 'cn.edu.partybuilding.orgs.unit.created.v1',
  topic: Topics.orgUnits,
  description: 'An org unit (city bureau, county bureau, school or unit) was created. 組織單位已建立。',
  producer: 'org-registry',
  key: { field: 'unitId', description: 'Id of the org unit that was created. 所建立單位的標識。' },
  schema: orgUnitState,
});

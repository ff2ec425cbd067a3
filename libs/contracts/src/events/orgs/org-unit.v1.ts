import { defineEvent, eventFamily } from '../../event-contract.js';
import { Topics } from '../../topics.js';
import { eventDate, eventDateOrNull, eventId, eventState, eventVersion, withState } from '../../api/fragments.js';

const orgUnitKind = {
  type: 'string',
  description: 'city-bureau 市教育局 | county-bureau 县区教育局 | school 学校 | unit 单位',
  enum: ['city-bureau', 'county-bureau', 'school', 'unit'],
} as const;

const orgUnitState = eventState(['unitId', 'code', 'name', 'kind', 'parentId', 'path', 'level', 'version'], {
  unitId: { ...eventId, description: 'Org unit id (also the record key).' },
  code: { ...eventId, description: 'Code unique within the city.' },
  name: eventId,
  kind: orgUnitKind,
  parentId: { type: ['string', 'null'], description: 'Parent unit id; null for the city bureau.' },
  path: {
    type: 'array',
    items: { type: 'string' },
    description: 'Materialised path: ids of the ancestors, root first, ending with the unit itself.',
  },
  level: { type: 'integer', minimum: 0, description: 'Depth in the tree; 0 is the city bureau.' },
  version: { ...eventVersion, description: 'Aggregate version after this change.' },
  status: { type: 'string', enum: ['open', 'closed'], description: 'open 开办 | closed 撤销 (units are never deleted).' },
  openedOn: { ...eventDate, description: 'Opening date 开办日期 (YYYY-MM-DD, city time zone).' },
  closedOn: { ...eventDateOrNull, description: 'Closing date 撤销日期, null while open.' },
});

/** Every org-unit event on the history topic: its topic, producer and key. */
const orgUnitEvent = eventFamily({
  topic: Topics.orgUnits,
  producer: 'org-registry',
  key: { field: 'unitId', description: 'Id of the org unit. 组织单位标识。' },
});

/** 组织单位已建立 An org unit (bureau, school or unit) was created. */
export const OrgUnitCreatedV1 = defineEvent({
  type: 'cn.edu.partybuilding.orgs.unit.created.v1',
  topic: Topics.orgUnits,
  description: 'An org unit (city bureau, county bureau, school or unit) was created. 组织单位已建立。',
  producer: 'org-registry',
  key: { field: 'unitId', description: 'Id of the org unit that was created. 所建立单位的标识。' },
  schema: orgUnitState,
});

/** 组织单位已更名 An org unit was renamed; the data is its whole state after the change. */
export const OrgUnitRenamedV1 = orgUnitEvent(
  'cn.edu.partybuilding.orgs.unit.renamed.v1',
  'An org unit was renamed; the data is its state after the change plus the previous name. 组织单位已更名。',
  withState(orgUnitState, { previousName: { type: 'string' } }, ['previousName']),
);

/**
 * 组织单位已迁移 An org unit has a new place in the tree: the unit that was moved, or a descendant
 * that followed it (each descendant gets its own event, keyed by its own id).
 */
export const OrgUnitMovedV1 = orgUnitEvent(
  'cn.edu.partybuilding.orgs.unit.moved.v1',
  'An org unit has a new place in the tree: the unit that was moved (moveRootId = unitId) or one of its descendants, ' +
    'which follow with their whole subtree (one event each). 组织单位已迁移（含随之迁移的下级单位）。',
  withState(
    orgUnitState,
    {
      previousParentId: { type: ['string', 'null'] },
      previousPath: { type: 'array', items: { type: 'string' } },
      moveId: { type: 'string', description: 'Id of the move; every event of one move carries it.' },
      moveRootId: { type: 'string', description: 'The unit that was moved; its descendants followed it.' },
    },
    ['previousParentId', 'previousPath', 'moveId', 'moveRootId'],
  ),
);

/** 组织单位已撤销 An org unit was closed (never deleted). */
export const OrgUnitClosedV1 = orgUnitEvent(
  'cn.edu.partybuilding.orgs.unit.closed.v1',
  'An org unit was closed; it stays in the registry with its history. 组织单位已撤销（保留历史）。',
  orgUnitState,
);

/** 组织单位状态 Latest full state of an org unit, on the compacted state topic. */
export const OrgUnitStateV1 = defineEvent({
  type: 'cn.edu.partybuilding.orgs.unit.state.v1',
  topic: Topics.orgUnitsState,
  description:
    'Latest full state of one org unit, keyed by its id on a compacted topic: read it from the beginning to bootstrap the tree. ' +
    '组织单位最新状态（压缩主题），从头读取即可重建组织树。',
  producer: 'org-registry',
  key: { field: 'unitId', description: 'Id of the org unit (compaction key). 组织单位标识。' },
  schema: orgUnitState,
});

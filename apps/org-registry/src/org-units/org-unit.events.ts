import { OrgUnitClosedV1, OrgUnitCreatedV1, OrgUnitMovedV1, OrgUnitRenamedV1, OrgUnitStateV1, type EventData } from '@pb/contracts';
import { pendingEvent, type OutboxEvent } from '@pb/messaging';
import type { OrgUnit } from './org-unit.schema.js';

type UnitState = Pick<
  OrgUnit,
  '_id' | 'code' | 'name' | 'kind' | 'parentId' | 'path' | 'level' | 'version' | 'status' | 'openedOn' | 'closedOn'
>;

export function unitState(u: UnitState): EventData<typeof OrgUnitStateV1> {
  return {
    unitId: u._id,
    code: u.code,
    name: u.name,
    kind: u.kind,
    parentId: u.parentId,
    path: u.path,
    level: u.level,
    version: u.version,
    status: u.status,
    openedOn: u.openedOn,
    closedOn: u.closedOn,
  };
}

type Change =
  | { kind: 'created' }
  | { kind: 'renamed'; previousName: string }
  | { kind: 'moved'; previousParentId: string | null; previousPath: string[]; moveId: string; moveRootId: string }
  | { kind: 'closed' };

/**
 * The events of one change to one unit: the change on `orgs.units.v1` and the unit's new full state on
 * the compacted `orgs.units.state.v1`, both keyed by the unit id. They go into the unit's outbox in the
 * same write as the change.
 */
export function unitEvents(u: UnitState, change: Change, correlationId?: string): OutboxEvent[] {
  const state = unitState(u);
  const common = { key: u._id, subject: `org-units/${u._id}`, ...(correlationId ? { correlationId } : {}) };
  let event: OutboxEvent;
  switch (change.kind) {
    case 'created':
      event = pendingEvent(OrgUnitCreatedV1, { ...common, data: state });
      break;
    case 'renamed':
      event = pendingEvent(OrgUnitRenamedV1, { ...common, data: { ...state, previousName: change.previousName } });
      break;
    case 'moved': {
      const { kind: _k, ...rest } = change;
      event = pendingEvent(OrgUnitMovedV1, { ...common, data: { ...state, ...rest } });
      break;
    }
    case 'closed':
      event = pendingEvent(OrgUnitClosedV1, { ...common, data: state });
      break;
  }
  return [event, pendingEvent(OrgUnitStateV1, { ...common, data: state })];
}

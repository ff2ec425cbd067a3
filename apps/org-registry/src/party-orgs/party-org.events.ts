import {
  PartyOrgAffiliationChangedV1,
  PartyOrgClosedV1,
  PartyOrgCreatedV1,
  PartyOrgStateV1,
  PartyOrgUpdatedV1,
  type EventData,
} from '@pb/contracts';
import { pendingEvent, type OutboxEvent } from '@pb/messaging';
import type { PartyOrg } from './party-org.schema.js';

type State = Omit<PartyOrg, 'history' | 'outbox' | 'cityId' | 'foundedOn' | 'closedOn'>;

/** The published state: responsible persons by account id only, never by name. */
export function partyOrgState(p: State): EventData<typeof PartyOrgStateV1> {
  return {
    partyOrgId: p._id,
    unitId: p.unitId,
    kind: p.kind,
    name: p.name,
    parentPartyOrgId: p.parentPartyOrgId,
    supervisorId: p.supervisorId,
    routing: p.routing,
    reviewerIds: p.reviewerIds,
    principalAccountId: p.principal.accountId ?? null,
    deputyAccountId: p.deputy.accountId ?? null,
    status: p.status,
    version: p.version,
  };
}

type Change =
  | { kind: 'created' }
  | { kind: 'updated'; changed: string[] }
  | {
      kind: 'affiliation-changed';
      previousSupervisorId: string;
      previousRouting: 'single' | 'both-levels';
      previousReviewerIds: string[];
      reason: 'set' | 'unit-moved';
      moveId?: string;
    }
  | { kind: 'closed' };

/** The events of `next`, the organisation `before` with its supervisor or reviewers changed (set by a bureau, or by a unit's move). */
export function affiliationChangedEvents(
  before: Pick<State, 'supervisorId' | 'routing' | 'reviewerIds'>,
  next: State,
  cause: { reason: 'set' } | { reason: 'unit-moved'; moveId: string },
  correlationId?: string,
): OutboxEvent[] {
  return partyOrgEvents(
    next,
    {
      kind: 'affiliation-changed',
      previousSupervisorId: before.supervisorId,
      previousRouting: before.routing,
      previousReviewerIds: before.reviewerIds,
      ...cause,
    },
    correlationId,
  );
}

/**
 * The change on `orgs.party-orgs.v1` keyed by the unit (one school's events stay in order), and the
 * new state on the compacted `orgs.party-orgs.state.v1` keyed by the organisation itself: a unit may
 * have several organisations, and compaction keeps one record per key.
 */
export function partyOrgEvents(p: State, change: Change, correlationId?: string): OutboxEvent[] {
  const state = partyOrgState(p);
  const common = { subject: `party-orgs/${p._id}`, ...(correlationId ? { correlationId } : {}) };
  const history = { ...common, key: p.unitId };
  let event: OutboxEvent;
  switch (change.kind) {
    case 'created':
      event = pendingEvent(PartyOrgCreatedV1, { ...history, data: state });
      break;
    case 'updated':
      event = pendingEvent(PartyOrgUpdatedV1, { ...history, data: { ...state, changed: change.changed } });
      break;
    case 'affiliation-changed': {
      const { kind: _k, ...rest } = change;
      event = pendingEvent(PartyOrgAffiliationChangedV1, { ...history, data: { ...state, ...rest } });
      break;
    }
    case 'closed':
      event = pendingEvent(PartyOrgClosedV1, { ...history, data: state });
      break;
  }
  return [event, pendingEvent(PartyOrgStateV1, { ...common, key: p._id, data: state })];
}

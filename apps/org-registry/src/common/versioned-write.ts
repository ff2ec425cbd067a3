import type { OutboxEvent, OutboxRelay } from '@pb/messaging';
import type { Scope, ScopedModel } from '@pb/platform';
import type { QueryFilter } from 'mongoose';
import { conflict } from './problems.js';

/**
 * An optimistic single-document write: `set` and its events, only if the document (named by `filter`,
 * which holds its unit for the scope) is still at `version`; a 409 when somebody changed it meanwhile.
 */
export async function versionedWrite<T extends { outbox: OutboxEvent[] }>(
  relay: OutboxRelay,
  model: ScopedModel<T>,
  scope: Scope,
  filter: QueryFilter<T> & { version: number },
  set: Partial<T>,
  events: OutboxEvent[],
): Promise<void> {
  await relay.sequence(...events);
  const res = await model.updateOne(scope, filter, { $set: set, $push: { outbox: { $each: events } } });
  if (res.modifiedCount === 0) throw conflict({ zh: '记录刚被修改，请重试', en: 'The record changed meanwhile; retry' });
  relay.nudge();
}

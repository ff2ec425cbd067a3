import type { Connection } from 'mongoose';
import type { NotificationChannel } from '@pb/contracts';
import { ScopedCollection, type OrgOwnership, type Role, type Scope } from '@pb/platform';
import type { NoticeParams, Recipient } from './rules/notice.js';

/**
 * The service's collections. FerretDB 1.24 (tests, local) finds by `_id` fast but applies every
 * update and delete as a scan of the collection, so the hot path only inserts: deliveries are
 * written once, attempts are claim inserts, outcomes are log inserts, and the only deletes are
 * batched (`_id: {$in}`) removals from the small pending queue. See docs/adr/0010.
 */
export const C = {
  deliveries: 'deliveries',
  queue: 'delivery_queue',
  claims: 'delivery_claims',
  log: 'delivery_log',
  scheduled: 'scheduled_notices',
  cancellations: 'notice_cancellations',
  profiles: 'recipient_profiles',
} as const;

/** Where a push delivery goes: e-mail addresses, or one webhook endpoint of a profile. */
export type DeliveryTarget = { emails: string[] } | { profileKey: string; endpointId: string; url: string };

/** One (notice, recipient, channel): `_id = <noticeId>:<recipientKey>:<channel>`, inserted once. */
export interface DeliveryDoc {
  _id: string;
  noticeId: string;
  eventId: string;
  /** The trace id of the event that caused the notice, when it came with one (docs/adr/0026). */
  traceId?: string;
  category: string;
  critical: boolean;
  template: string;
  params: NoticeParams;
  channel: NotificationChannel;
  recipientKey: string;
  recipient: Recipient;
  /** Inbox: who sees it (`unit:<id>` with audience roles, or `acct:<sub>`). */
  owner: string;
  audienceRoles: Role[];
  target?: DeliveryTarget;
  unitId: string;
  /** The path of the unit the notice is about: bureaus read the log of their subtree. */
  scopePath: string[];
  locale: string;
  createdAt: Date;
  /** Inbox only, set by the reader. */
  readAt: Date | null;
  archivedAt: Date | null;
}

/** A pending push attempt: `_id = <deliveryId>#<attempt>`, also the id of its claim and of its outcome. */
export interface QueueDoc {
  _id: string;
  deliveryId: string;
  noticeId: string;
  attempt: number;
  nextAttemptAt: Date;
  channel: 'email' | 'webhook';
  recipientKey: string;
  critical: boolean;
  category: string;
  template: string;
  params: NoticeParams;
  target: DeliveryTarget;
  locale: string;
  unitId: string;
  scopePath: string[];
  lastError?: string;
}

export interface ClaimDoc {
  _id: string;
  at: Date;
  holder: string;
}

export type LogKind = 'delivered' | 'sent' | 'retry' | 'failed' | 'read' | 'archived';

/** 投递日志 One thing that happened to a delivery; append-only. */
export interface LogDoc {
  _id: string;
  deliveryId: string;
  kind: LogKind;
  attempt?: number;
  at: Date;
  error?: string;
  nextAttemptAt?: Date;
  /** How many notices the e-mail that carried this one held (digest). */
  digestSize?: number;
  channel: NotificationChannel;
  recipientKey: string;
  category: string;
  unitId: string;
  scopePath: string[];
}

/** The key of a unit's and of an account's inbox, profile and log entries. */
export const unitKey = (orgUnitId: string) => `unit:${orgUnitId}`;
export const accountKey = (sub: string) => `acct:${sub}`;
const callerKeys = (scope: Scope) => [unitKey(scope.orgUnitId), accountKey(scope.accountId)];

/**
 * Org-owned (docs/adr/0012): a delivery and its log entries belong to the unit the notice is about
 * (`scopePath`), and reach the unit or account they are addressed to wherever that unit lies.
 */
export const DELIVERY_OWNERSHIP: OrgOwnership<DeliveryDoc> = {
  pathField: 'scopePath',
  addressee: { field: 'owner', keys: callerKeys },
  notFound: { zh: '找不到投递记录', en: 'Delivery not found' },
};
export const LOG_OWNERSHIP: OrgOwnership<LogDoc> = {
  pathField: 'scopePath',
  addressee: { field: 'recipientKey', keys: callerKeys },
  notFound: { zh: '找不到投递日志', en: 'Delivery log entry not found' },
};

export function collections(connection: Connection) {
  return {
    // The one place the org-owned collections are opened: everything else goes through their scope.
    // eslint-disable-next-line pb/org-owned
    deliveries: new ScopedCollection(connection.collection<DeliveryDoc>(C.deliveries), DELIVERY_OWNERSHIP),
    queue: connection.collection<QueueDoc>(C.queue),
    claims: connection.collection<ClaimDoc>(C.claims),
    // eslint-disable-next-line pb/org-owned
    log: new ScopedCollection(connection.collection<LogDoc>(C.log), LOG_OWNERSHIP),
  };
}

/** Creates the indexes MongoDB serves the queries with (FerretDB accepts and mostly scans). */
export async function ensureIndexes(connection: Connection): Promise<void> {
  const col = (name: string) => connection.collection(name);
  // Serves: the unit's or account's inbox, newest first, and its unread count.
  await col(C.deliveries).createIndex({ owner: 1, channel: 1, archivedAt: 1, createdAt: -1 });
  // Serves: the worker's "attempts due now".
  await col(C.queue).createIndex({ nextAttemptAt: 1 });
  // Serves: the digest's "other pending e-mails to this recipient".
  await col(C.queue).createIndex({ recipientKey: 1, channel: 1 });
  // Serves: a bureau's delivery log of its subtree, newest first.
  await col(C.log).createIndex({ scopePath: 1, at: -1 });
  // Serves: one delivery's history.
  await col(C.log).createIndex({ deliveryId: 1 });
  // Serves: the scheduler's "scheduled notices due now".
  await col(C.scheduled).createIndex({ fireAt: 1 });
  // Serves: expiry of old claims (no TTL indexes on FerretDB).
  await col(C.claims).createIndex({ at: 1 });
  // Serves: the outbox relay's query for profiles with audit records to publish (withOutbox's index).
  await col(C.profiles).createIndex({ 'outbox.id': 1 });
}

import type { EventContract, EventData } from '@pb/contracts';
import type { Role } from '@pb/platform';

/**
 * Who a notice is for. A group is the staff of one org unit with one of the roles (the unit's shared
 * inbox; accounts of that unit and role who registered their own e-mail get it too). An account is
 * one person or system. Groups are resolved to inbox owners and endpoints when the notice is sent.
 */
export type Recipient = { orgUnitId: string; roles: Role[] } | { accountId: string };

export type NoticeParams = Record<string, string | number | boolean | null | string[]>;

/** What a rule asks for: one notice to some recipients, now or at a later instant. */
export interface NoticeDraft {
  /** Distinguishes several notices of one event; part of the notice id. */
  key?: string;
  /** A notice id of the rule's own (for scheduled notices keyed by a domain identity). Default `<eventId>[/<key>]`. */
  id?: string;
  /** A registered category (decides criticality and preferences). */
  category: string;
  /** A registered template, filled from `params`. */
  template: string;
  params: NoticeParams;
  recipients: Recipient[];
  /** The org unit the notice is about (the school); its path scopes the delivery log. */
  unitId: string;
  unitPath: string[];
  /** Send at this instant, not before (reminders). */
  sendAt?: Date;
  /** Never send at or after this instant (a reminder after its deadline). */
  expiresAt?: Date;
  /** A scheduled notice is dropped when one of these tags was recorded before it fires. */
  cancelTags?: string[];
}

/** Records a tag that cancels every scheduled notice carrying it (e.g. a report was submitted). */
export interface CancelTag {
  cancel: string;
}

export type RuleOutput = NoticeDraft | CancelTag;

export interface RuleEvent<C extends EventContract> {
  id: string;
  type: string;
  time: string;
  data: EventData<C>;
}

/** Settings rules may read (reminder offsets, the city zone). */
export interface RuleSettings {
  timeZone: string;
  reminderDays: number[];
  reminderHour: number;
}

export type Rule<C extends EventContract> = (event: RuleEvent<C>, settings: RuleSettings) => RuleOutput[];

/** A notice ready to dispatch: a draft with its id, the event it came from and its category's criticality. */
export interface Notice extends NoticeDraft {
  id: string;
  eventId: string;
  /** The trace of that event (its `traceparent` header), kept with every delivery of the notice (docs/adr/0026). */
  traceId?: string;
  critical: boolean;
  createdAt: Date;
}

export function isCancel(output: RuleOutput): output is CancelTag {
  return typeof (output as CancelTag).cancel === 'string';
}

export function recipientKey(r: Recipient): string {
  return 'accountId' in r ? `acct:${r.accountId}` : `unit:${r.orgUnitId}`;
}

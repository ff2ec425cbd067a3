import { Schema } from 'mongoose';
import type { MemberStatus } from '@pb/contracts';
import { withOutbox, type OutboxEvent } from '@pb/messaging';
import type { OrgOwnership, PathOf } from '@pb/platform';
import type { Milestone, Violation } from '../milestone-rules/milestone-check.js';

/** Personal data 个人信息: served only to the branch and its supervising bureaus, never published. */
export interface Person {
  name: string;
  gender: 'female' | 'male';
  birthDate: string;
  idNumber?: string;
}

export interface Transfer {
  fromPartyOrgId: string;
  fromUnitId: string;
  toPartyOrgId: string;
  toUnitId: string;
  date: string;
  note?: string;
  at: Date;
  by: string;
}

/** 党员 A party member (or applicant) of a branch, with the dated milestones of the development procedure. */
export interface Member {
  _id: string;
  partyOrgId: string;
  unitId: string;
  cityId: string;
  person: Person;
  milestones: Milestone[];
  status: MemberStatus;
  imported: boolean;
  /** Rules the imported history breaks, for inspectors (党员发展程序抽查). */
  flags: Violation[];
  flagged: boolean;
  transfers: Transfer[];
  version: number;
  registeredAt: Date;
  registeredBy: string;
  outbox: OutboxEvent[];
}

export const MEMBER_MODEL = 'Member';

export const MEMBER_NOT_FOUND = { zh: '找不到党员记录', en: 'Member record not found' };

/** Org-owned (docs/adr/0012): a record belongs to its branch's unit (`unitId`, moved by a transfer). */
export const memberOwnership = (pathOf: PathOf): OrgOwnership<Member> => ({ unitField: 'unitId', pathOf, notFound: MEMBER_NOT_FOUND });

export const MemberSchema: Schema<Member> = withOutbox(
  new Schema<Member>(
    {
      _id: { type: String, required: true },
      partyOrgId: { type: String, required: true },
      unitId: { type: String, required: true },
      cityId: { type: String, required: true },
      person: { type: Schema.Types.Mixed, required: true },
      milestones: { type: Schema.Types.Mixed, default: () => [] },
      status: { type: String, required: true },
      imported: { type: Boolean, required: true },
      flags: { type: Schema.Types.Mixed, default: () => [] },
      flagged: { type: Boolean, required: true },
      transfers: { type: Schema.Types.Mixed, default: () => [] },
      version: { type: Number, required: true },
      registeredAt: { type: Date, required: true },
      registeredBy: { type: String, required: true },
    },
    { collection: 'members', versionKey: false, minimize: false },
  ),
);
// Serves: the members of a branch (GET /party-orgs/{id}/members, close checks), cursor on _id.
MemberSchema.index({ partyOrgId: 1, _id: 1 });
// Serves: the inspectors' list of flagged records (GET /members/flagged), cursor on _id.
MemberSchema.index({ flagged: 1, _id: 1 });

import type { MemberStatus } from '@pb/contracts';
import { defineAggregate } from '@pb/messaging';
import { field, type DocumentType } from '@pb/persistence';
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

export const MEMBER_MODEL = 'Member';

export const MEMBER_NOT_FOUND = { zh: '找不到党员记录', en: 'Member record not found' };

/** Org-owned (docs/adr/0012): a record belongs to its branch's unit (`unitId`, moved by a transfer). */
export const memberOwnership = (pathOf: PathOf): OrgOwnership<Member> => ({ unitField: 'unitId', pathOf, notFound: MEMBER_NOT_FOUND });

/** 党员 A party member (or applicant) of a branch, with the dated milestones of the development procedure. */
export const MemberSchema = defineAggregate({
  collection: 'members',
  minimize: false,
  fields: {
    partyOrgId: field.string(),
    unitId: field.string(),
    cityId: field.string(),
    person: field.mixed<Person>(),
    milestones: field.mixed<Milestone[]>().default(() => []),
    status: field.string<MemberStatus>(),
    imported: field.boolean(),
    /** Rules the imported history breaks, for inspectors (党员发展程序抽查). */
    flags: field.mixed<Violation[]>().default(() => []),
    flagged: field.boolean(),
    transfers: field.mixed<Transfer[]>().default(() => []),
    version: field.number(),
    registeredAt: field.date(),
    registeredBy: field.string(),
  },
});
export type Member = DocumentType<typeof MemberSchema>;
// Serves: the members of a branch (GET /party-orgs/{id}/members, close checks), cursor on _id.
MemberSchema.index({ partyOrgId: 1, _id: 1 });
// Serves: the inspectors' list of flagged records (GET /members/flagged), cursor on _id.
MemberSchema.index({ flagged: 1, _id: 1 });

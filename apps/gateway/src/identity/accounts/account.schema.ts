import { defineAggregate } from '@pb/messaging';
import { field, type DocumentType } from '@pb/persistence';
import type { Role } from '@pb/platform';

export const ACCOUNT_MODEL = 'Account';

export const AccountSchema = defineAggregate({
  collection: 'accounts',
  timestamps: true,
  fields: {
    username: field.string(),
    displayName: field.string(),
    orgUnitId: field.string(),
    roles: field.strings<Role>(),
    kind: field.oneOf(['person', 'system']),
    passwordHash: field.string(),
    disabled: field.boolean().default(false).required(),
    version: field.number(),
    createdBy: field.string(),
  },
});
/** 账号 A person or a system, attached to one org unit, with roles and an argon2id password hash. */
export type Account = DocumentType<typeof AccountSchema>;
// Serves: login by username, and its uniqueness (POST /accounts answers 409 on a duplicate).
AccountSchema.index({ username: 1 }, { unique: true });
// Serves: GET /accounts, a subtree's accounts ({orgUnitId: {$in}}, ordered by _id for the cursor).
AccountSchema.index({ orgUnitId: 1, _id: 1 });

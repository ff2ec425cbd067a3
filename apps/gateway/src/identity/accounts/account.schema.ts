import { Schema } from 'mongoose';
import { withOutbox, type OutboxEvent } from '@pb/messaging';
import type { Role } from '@pb/platform';

/** 账号 A person or a system, attached to one org unit, with roles and an argon2id password hash. */
export interface Account {
  _id: string;
  username: string;
  displayName: string;
  orgUnitId: string;
  roles: Role[];
  kind: 'person' | 'system';
  passwordHash: string;
  disabled: boolean;
  version: number;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  outbox: OutboxEvent[];
}

export const ACCOUNT_MODEL = 'Account';

export const AccountSchema = withOutbox(
  new Schema<Account>(
    {
      _id: { type: String, required: true },
      username: { type: String, required: true },
      displayName: { type: String, required: true },
      orgUnitId: { type: String, required: true },
      roles: { type: [String], required: true },
      kind: { type: String, required: true, enum: ['person', 'system'] },
      passwordHash: { type: String, required: true },
      disabled: { type: Boolean, required: true, default: false },
      version: { type: Number, required: true },
      createdBy: { type: String, required: true },
    },
    { collection: 'accounts', timestamps: true, versionKey: false },
  ),
);
// Serves: login by username, and its uniqueness (POST /accounts answers 409 on a duplicate).
AccountSchema.index({ username: 1 }, { unique: true });
// Serves: GET /accounts, a subtree's accounts ({orgUnitId: {$in}}, ordered by _id for the cursor).
AccountSchema.index({ orgUnitId: 1, _id: 1 });

import { Schema } from 'mongoose';
import { withOutbox, type OutboxEvent } from '@pb/messaging';
import type { Role } from '@pb/platform';

/** 接口密钥 An API key of a school system: scoped to one org unit, one role, stored as a SHA-256 hash. */
export interface ApiKey {
  _id: string;
  name: string;
  orgUnitId: string;
  role: Role;
  /** First characters of the key, so people can tell their keys apart. */
  prefix: string;
  keyHash: string;
  createdBy: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  version: number;
  outbox: OutboxEvent[];
}

export const API_KEY_MODEL = 'ApiKey';

export const ApiKeySchema = withOutbox(
  new Schema<ApiKey>(
    {
      _id: { type: String, required: true },
      name: { type: String, required: true },
      orgUnitId: { type: String, required: true },
      role: { type: String, required: true },
      prefix: { type: String, required: true },
      keyHash: { type: String, required: true },
      createdBy: { type: String, required: true },
      createdAt: { type: Date, required: true },
      lastUsedAt: { type: Date, default: null },
      revokedAt: { type: Date, default: null },
      version: { type: Number, required: true },
    },
    { collection: 'api_keys', versionKey: false },
  ),
);
// Serves: authentication of every request that carries a key (lookup by hash).
ApiKeySchema.index({ keyHash: 1 }, { unique: true });
// Serves: GET /api-keys, a subtree's keys ({orgUnitId: {$in}}, ordered by _id for the cursor).
ApiKeySchema.index({ orgUnitId: 1, _id: 1 });

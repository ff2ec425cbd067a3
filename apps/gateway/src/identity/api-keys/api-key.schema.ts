import { defineAggregate } from '@pb/messaging';
import { field, type DocumentType } from '@pb/persistence';
import type { Role } from '@pb/platform';

export const API_KEY_MODEL = 'ApiKey';

export const ApiKeySchema = defineAggregate({
  collection: 'api_keys',
  fields: {
    name: field.string(),
    orgUnitId: field.string(),
    role: field.string<Role>(),
    /** First characters of the key, so people can tell their keys apart. */
    prefix: field.string(),
    keyHash: field.string(),
    createdBy: field.string(),
    createdAt: field.date(),
    lastUsedAt: field.date().orNull(),
    revokedAt: field.date().orNull(),
    version: field.number(),
  },
});
/** 接口密钥 An API key of a school system: scoped to one org unit, one role, stored as a SHA-256 hash. */
export type ApiKey = DocumentType<typeof ApiKeySchema>;
// Serves: authentication of every request that carries a key (lookup by hash).
ApiKeySchema.index({ keyHash: 1 }, { unique: true });
// Serves: GET /api-keys, a subtree's keys ({orgUnitId: {$in}}, ordered by _id for the cursor).
ApiKeySchema.index({ orgUnitId: 1, _id: 1 });

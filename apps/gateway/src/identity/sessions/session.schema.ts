import { defineDocument, field, type DocumentType } from '@pb/persistence';

export const SESSION_MODEL = 'Session';

export const SessionSchema = defineDocument({
  collection: 'sessions',
  fields: {
    accountId: field.string(),
    tokenHash: field.string(),
    expiresAt: field.date(),
    revokedAt: field.date().orNull(),
    createdAt: field.date(),
    rotatedAt: field.date().orNull(),
  },
});
/**
 * A refresh session: one login, its current refresh token (hash only), rotated on every refresh.
 * Presenting an older token of the session means it was stolen or replayed: the session is revoked.
 */
export type Session = DocumentType<typeof SessionSchema>;
// Serves: revoking every session of an account when it is disabled.
SessionSchema.index({ accountId: 1 });

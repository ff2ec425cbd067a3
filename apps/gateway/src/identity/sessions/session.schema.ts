import { Schema } from 'mongoose';

/**
 * A refresh session: one login, its current refresh token (hash only), rotated on every refresh.
 * Presenting an older token of the session means it was stolen or replayed: the session is revoked.
 */
export interface Session {
  _id: string;
  accountId: string;
  tokenHash: string;
  expiresAt: Date;
  revokedAt: Date | null;
  createdAt: Date;
  rotatedAt: Date | null;
}

export const SESSION_MODEL = 'Session';

export const SessionSchema = new Schema<Session>(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    tokenHash: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    revokedAt: { type: Date, default: null },
    createdAt: { type: Date, required: true },
    rotatedAt: { type: Date, default: null },
  },
  { collection: 'sessions', versionKey: false },
);
// Serves: revoking every session of an account when it is disabled.
SessionSchema.index({ accountId: 1 });

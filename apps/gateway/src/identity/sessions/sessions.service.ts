import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { ReadCache } from '@pb/platform';
import { IDENTITY_CONFIG, type IdentityConfig } from '../identity.config.js';
import { sameHash, sha256 } from '../passwords.js';
import { SESSION_MODEL, type Session } from './session.schema.js';

const TOKEN = /^pbr_([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/;

export type RefreshOutcome =
  | { ok: true; accountId: string; sessionId: string; refreshToken: string }
  | { ok: false; reason: 'malformed' | 'unknown' | 'revoked' | 'expired' | 'reused' };

/**
 * Refresh sessions: opaque single-use refresh tokens (`pbr_<session>.<secret>`), rotated on each use.
 * Access tokens name their session (`sid`): once it is revoked they are refused too (docs/adr/0017).
 */
@Injectable()
export class SessionsService {
  /** sid -> revoked, kept SESSION_REVOCATION_CACHE_MS; this replica's own revocations forget it at once. */
  private readonly revocations: ReadCache<boolean>;

  constructor(
    @InjectModel(SESSION_MODEL) private readonly sessions: Model<Session>,
    @Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig,
  ) {
    this.revocations = new ReadCache<boolean>(config.revocationCacheMs);
  }

  /**
   * Whether the session an access token was issued in has ended (logout, replayed refresh token,
   * disabled account). One read by id per session and replica every SESSION_REVOCATION_CACHE_MS.
   * A session the store does not know was not revoked (tokens minted with the key by tools).
   */
  async isRevoked(sid: string): Promise<boolean> {
    const revoked = await this.revocations.get(sid, async () => {
      const session = await this.sessions.findById(sid, { revokedAt: 1 }).lean<Pick<Session, 'revokedAt'>>();
      return session?.revokedAt != null;
    });
    return revoked === true;
  }

  /** A new session of the account: its id (the access tokens' `sid`) and first refresh token. */
  async open(accountId: string): Promise<{ sessionId: string; refreshToken: string }> {
    const id = randomUUID();
    const secret = randomBytes(32).toString('base64url');
    const now = new Date();
    await this.sessions.create({
      _id: id,
      accountId,
      tokenHash: sha256(secret),
      expiresAt: new Date(now.getTime() + this.config.refreshTtlS * 1000),
      revokedAt: null,
      createdAt: now,
      rotatedAt: null,
    });
    return { sessionId: id, refreshToken: `pbr_${id}.${secret}` };
  }

  /**
   * Exchanges a refresh token for the next one. A token that is not the session's current one is a
   * replay of a rotated token (stolen, or a client bug): the whole session is revoked.
   */
  async rotate(token: string): Promise<RefreshOutcome> {
    const m = TOKEN.exec(token);
    if (!m) return { ok: false, reason: 'malformed' };
    const [, id, secret] = m as unknown as [string, string, string];
    const session = await this.sessions.findById(id).lean<Session>();
    if (!session) return { ok: false, reason: 'unknown' };
    if (session.revokedAt) return { ok: false, reason: 'revoked' };
    if (session.expiresAt.getTime() <= Date.now()) return { ok: false, reason: 'expired' };
    if (!sameHash(session.tokenHash, sha256(secret))) {
      await this.sessions.updateOne({ _id: id }, { $set: { revokedAt: new Date() } });
      this.revocations.forget();
      return { ok: false, reason: 'reused' };
    }
    const nextSecret = randomBytes(32).toString('base64url');
    const res = await this.sessions.updateOne(
      { _id: id, tokenHash: session.tokenHash, revokedAt: null },
      { $set: { tokenHash: sha256(nextSecret), rotatedAt: new Date() } },
    );
    // A concurrent refresh with the same token won the race: this one is the replay.
    if (res.modifiedCount === 0) return { ok: false, reason: 'reused' };
    return { ok: true, accountId: session.accountId, sessionId: id, refreshToken: `pbr_${id}.${nextSecret}` };
  }

  /** Logout: revokes the session of this refresh token if it is the caller's current one. */
  async revoke(token: string, accountId: string): Promise<boolean> {
    const m = TOKEN.exec(token);
    if (!m) return false;
    const [, id, secret] = m as unknown as [string, string, string];
    const res = await this.sessions.updateOne(
      { _id: id, accountId, tokenHash: sha256(secret), revokedAt: null },
      { $set: { revokedAt: new Date() } },
    );
    this.revocations.forget();
    return res.modifiedCount > 0;
  }

  async revokeAll(accountId: string): Promise<void> {
    await this.sessions.updateMany({ accountId, revokedAt: null }, { $set: { revokedAt: new Date() } });
    this.revocations.forget();
  }
}

import { describe, expect, it, jest } from '@jest/globals';
import type { FastifyRequest } from 'fastify';
import { signAccessToken, type Identity } from '@pb/platform';
import { CredentialResolver } from '../auth/credential.resolver.js';
import type { IdentityConfig } from '../identity.config.js';
import { SessionsService } from './sessions.service.js';

const secret = 's'.repeat(43);
const config: IdentityConfig = {
  jwtSecret: secret,
  accessTtlS: 900,
  refreshTtlS: 3600,
  revocationCacheMs: 2_000,
  throttle: { perAccount: 5, perIp: 50, windowS: 900 },
};
const who: Identity = { sub: 'acct-1', orgUnitId: 'school-1', roles: ['school-secretary'] };

/** A sessions collection in memory: what `findById(...).lean()` and `updateOne` / `updateMany` see. */
function sessionsStore() {
  const revokedAt = new Map<string, Date | null>([
    ['live', null],
    ['ended', new Date()],
  ]);
  const reads: string[] = [];
  const model = {
    findById: (id: string) => ({
      lean: () => {
        reads.push(id);
        return Promise.resolve(revokedAt.has(id) ? { revokedAt: revokedAt.get(id) } : null);
      },
    }),
    updateOne: (filter: { _id: string }) => {
      revokedAt.set(filter._id, new Date());
      return Promise.resolve({ modifiedCount: 1 });
    },
    updateMany: () => Promise.resolve({ modifiedCount: 0 }),
  };
  return { model, reads, revokedAt };
}

function resolverWith(sessions: SessionsService) {
  const unused = {} as never;
  return new CredentialResolver(config, unused, unused, { issuer: undefined } as never, unused, sessions);
}

const request = (token: string) =>
  ({ headers: { authorization: `Bearer ${token}` }, ip: '127.0.0.1', id: 'req-1' }) as unknown as FastifyRequest;

describe('an access token ends with its session (sid, docs/adr/0017)', () => {
  it('refuses an access token whose session is revoked, accepts one whose session is live', async () => {
    const { model } = sessionsStore();
    const resolver = resolverWith(new SessionsService(model as never, config));
    expect(await resolver.resolve(request(await signAccessToken({ ...who, sid: 'live' }, secret)))).toEqual({ ...who, sid: 'live' });
    await expect(resolver.resolve(request(await signAccessToken({ ...who, sid: 'ended' }, secret)))).rejects.toThrow(/session/);
  });

  it('does not consult the store for a token without a session (minted with the key by a tool)', async () => {
    const { model, reads } = sessionsStore();
    const resolver = resolverWith(new SessionsService(model as never, config));
    expect(await resolver.resolve(request(await signAccessToken(who, secret)))).toEqual(who);
    expect(reads).toEqual([]);
  });

  it('reads a session once per SESSION_REVOCATION_CACHE_MS, and at once after its own revocation', async () => {
    const { model, reads, revokedAt } = sessionsStore();
    jest.useFakeTimers({ now: 1_000_000 });
    try {
      const sessions = new SessionsService(model as never, config);
      expect(await sessions.isRevoked('live')).toBe(false);
      expect(await sessions.isRevoked('live')).toBe(false);
      expect(reads).toEqual(['live']);
      // revoked through another replica: this one sees it once its kept answer is 2 s old
      revokedAt.set('live', new Date());
      jest.setSystemTime(1_001_999);
      expect(await sessions.isRevoked('live')).toBe(false);
      jest.setSystemTime(1_002_000);
      expect(await sessions.isRevoked('live')).toBe(true);
      expect(reads).toEqual(['live', 'live']);
      // revoked through this replica (logout): seen on the next request
      revokedAt.set('other', null);
      expect(await sessions.isRevoked('other')).toBe(false);
      await sessions.revoke(`pbr_${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}.${'a'.repeat(43)}`, 'acct-1');
      revokedAt.set('other', new Date());
      expect(await sessions.isRevoked('other')).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });
});

import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { api, createUnits, e2e, eventually, tokenFor, uniqueId } from './support/env.js';

// A second gateway on the same identity store, as a replica behind a balancer would be, configured
// with low limits and an external OIDC provider whose JWKS this test serves. It proves: login
// throttling per account and per IP counted in the store (both replicas agree), the per-account
// rate limit with Retry-After, and OIDC tokens mapped to local accounts.
const base = Number(process.env['E2E_PORT_BASE'] ?? 3100);
const replicaPort = base + 11;
const jwksPort = base + 12;
const replica = `http://127.0.0.1:${replicaPort}`;
const issuer = 'https://idp.example.test/realms/bureau';

describe('a second gateway replica: throttling, rate limits and OIDC', () => {
  let child: ChildProcess | undefined;
  let jwks: Server | undefined;
  let signingKey: CryptoKey;
  let publicJwk: JWK;
  const city = uniqueId('rpcity');
  const school = uniqueId('rpschool');
  let admin: string;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    signingKey = pair.privateKey;
    publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'test-key-1', alg: 'RS256', use: 'sig' };
    jwks = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [publicJwk] }));
    });
    await new Promise<void>((resolve) => jwks!.listen(jwksPort, '127.0.0.1', resolve));

    const env: Record<string, string> = {
      ...(e2e.serviceEnvs['gateway'] ?? {}),
      HTTP_PORT: String(replicaPort),
      // Same database (the shared identity store); its own consumer group, so the main gateway's is not rebalanced.
      KAFKA_GROUP_ID: `gateway-replica-${e2e.run}`,
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '3',
      LOGIN_MAX_FAILURES_PER_IP: '6',
      LOGIN_THROTTLE_WINDOW_S: '600',
      RATE_LIMIT_PER_MINUTE: '30',
      OIDC_JWKS_URL: `http://127.0.0.1:${jwksPort}/jwks`,
      OIDC_ISSUER: issuer,
      OIDC_AUDIENCE: 'pb-platform',
      OIDC_CLAIM_ACCOUNT: 'preferred_username',
    };
    delete env['BOOTSTRAP_ADMIN_PASSWORD'];
    child = spawn(process.execPath, ['apps/gateway/dist/main.js'], { env: { ...process.env, ...env }, stdio: 'ignore' });
    await eventually(
      'the replica to be ready',
      async () => {
        try {
          return (await fetch(`${replica}/health/ready`)).ok ? true : null;
        } catch {
          return null;
        }
      },
      90_000,
    );

    admin = await tokenFor(city, ['city-admin']);
    await createUnits(admin, [
      [city, 'city-bureau', null],
      [school, 'school', city],
    ]);
  }, 180_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await new Promise((r) => (jwks ? jwks.close(r) : r(undefined)));
  });

  async function account(password = 'replica-password-1') {
    const username = uniqueId('rp');
    const res = await api('POST', '/api/v1/accounts', {
      token: admin,
      body: { username, displayName: username, orgUnitId: school, roles: ['school-secretary'], password },
    });
    expect(res.status).toBe(201);
    return { username, password, id: res.body['id'] as string };
  }

  const attempt = (base: string, username: string, password: string, ip: string) =>
    api('POST', '/api/v1/auth/login', { base, body: { username, password }, headers: { 'x-forwarded-for': ip } });

  it('throttles an account after its failures, counted across both replicas, with Retry-After', async () => {
    const who = await account();
    // Two failures on the main gateway, one on the replica: the store holds one counter.
    expect((await attempt(e2e.gateway, who.username, 'wrong-1', '198.51.100.1')).status).toBe(401);
    expect((await attempt(e2e.gateway, who.username, 'wrong-2', '198.51.100.2')).status).toBe(401);
    expect((await attempt(replica, who.username, 'wrong-3', '198.51.100.3')).status).toBe(401);
    // The replica's limit is 3: now even the right password waits, from any address.
    const blocked = await attempt(replica, who.username, who.password, '198.51.100.4');
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(500);
    // The main gateway (limit 5) still lets the owner in: the counter is shared, the limits are each replica's setting.
    expect((await attempt(e2e.gateway, who.username, who.password, '198.51.100.5')).status).toBe(200);
  });

  it('throttles a client address that tries many accounts', async () => {
    const ip = '203.0.113.77';
    for (let i = 0; i < 6; i++) expect((await attempt(replica, uniqueId('guess'), 'guess-password', ip)).status).toBe(401);
    const who = await account();
    const blocked = await attempt(replica, who.username, who.password, ip);
    expect(blocked.status).toBe(429);
    expect((await attempt(replica, who.username, who.password, '203.0.113.78')).status).toBe(200);
  });

  it('limits requests per account with 429 and Retry-After, other accounts unaffected', async () => {
    const busy = await tokenFor(school, ['school-secretary']);
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) statuses.push((await api('GET', '/api/v1/accounts/me', { base: replica, token: busy })).status);
    expect(statuses.slice(0, 30).every((s) => s === 200)).toBe(true);
    const limited = await api('GET', '/api/v1/accounts/me', { base: replica, token: busy });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    const calm = await tokenFor(school, ['school-secretary']);
    expect((await api('GET', '/api/v1/accounts/me', { base: replica, token: calm })).status).toBe(200);
  });

  async function oidcToken(claims: Record<string, unknown>, options: { key?: CryptoKey; iss?: string; aud?: string; exp?: string } = {}) {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'test-key-1' })
      .setIssuer(options.iss ?? issuer)
      .setAudience(options.aud ?? 'pb-platform')
      .setSubject('idp-user-1')
      .setIssuedAt()
      .setExpirationTime(options.exp ?? '5m')
      .sign(options.key ?? signingKey);
  }

  it('accepts an OIDC token of the configured provider, mapped by claim to a local account', async () => {
    const who = await account();
    const res = await api('GET', '/api/v1/accounts/me', { base: replica, token: await oidcToken({ preferred_username: who.username }) });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ sub: who.id, orgUnitId: school, roles: ['school-secretary'], via: 'token' });
    // Roles and scope are the local account's: the school's unit only.
    expect(
      (await api('GET', `/api/v1/org-units/${city}`, { base: replica, token: await oidcToken({ preferred_username: who.username }) }))
        .status,
    ).toBe(404);
  });

  it.each([
    [
      'signed by another key',
      async (u: string) => oidcToken({ preferred_username: u }, { key: (await generateKeyPair('RS256')).privateKey }),
    ],
    ['for another audience', (u: string) => oidcToken({ preferred_username: u }, { aud: 'someone-else' })],
    ['expired', (u: string) => oidcToken({ preferred_username: u }, { exp: '-1m' })],
    ['naming no local account', () => oidcToken({ preferred_username: uniqueId('stranger') })],
    ['without the account claim', () => oidcToken({ email: 'x@example.test' })],
  ])('refuses an OIDC token %s with 401', async (_case, make) => {
    const who = await account();
    const res = await api('GET', '/api/v1/accounts/me', { base: replica, token: await make(who.username) });
    expect(res.status).toBe(401);
  });
});

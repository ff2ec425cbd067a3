import { beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT, UnsecuredJWT } from 'jose';
import { ACCESS_AUDIENCE, ACCESS_ISSUER, INTERNAL_IDENTITY_HEADER, signInternalToken } from '@pb/platform';
import { api, createUnits, e2e, eventually, login, tokenFor, uniqueId } from './support/env.js';

// Credentials through the real gateway: passwords, refresh rotation, logout, API keys, and the
// forged tokens that must all answer 401. Then the owning service refusing a request that bypasses
// the gateway (ARCHITECTURE.md §2: services check the forwarded identity and scope again).
describe('identity: logins, tokens and API keys', () => {
  const city = uniqueId('idcity');
  const school = uniqueId('idschool');
  const county = uniqueId('idcounty');
  let admin: string;
  const secretary = { username: uniqueId('sec'), password: 'secretary-password-1', id: '' };

  beforeAll(async () => {
    admin = await tokenFor(city, ['city-admin']);
    await createUnits(admin, [
      [city, 'city-bureau', null],
      [school, 'school', city],
      [county, 'county-bureau', city],
    ]);
    const made = await api('POST', '/api/v1/accounts', {
      token: admin,
      body: {
        username: secretary.username,
        displayName: '书记',
        orgUnitId: school,
        roles: ['school-secretary'],
        password: secretary.password,
      },
    });
    expect(made.status).toBe(201);
    secretary.id = made.body['id'] as string;
  }, 120_000);

  it('logs in with a password and the access token works; a wrong password is 401 problem+json', async () => {
    const tokens = await login(secretary.username, secretary.password);
    const me = await api('GET', '/api/v1/accounts/me', { token: tokens.accessToken });
    expect(me.body).toEqual({ sub: secretary.id, orgUnitId: school, roles: ['school-secretary'], via: 'token' });
    const wrong = await api('POST', '/api/v1/auth/login', {
      body: { username: secretary.username, password: 'not-the-password' },
      headers: { 'accept-language': 'en' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(wrong.body['title']).toBe('Wrong username or password');
  });

  it.each([['city-admin'], ['county-admin']])(
    'lets no one, a city administrator included, make a %s of a school: 422 naming /roles',
    async (role) => {
      const res = await api('POST', '/api/v1/accounts', {
        token: admin,
        body: { username: uniqueId('adm'), displayName: '越权', orgUnitId: school, roles: [role], password: 'admin-password-12' },
        headers: { 'accept-language': 'en' },
      });
      expect(res.status).toBe(422);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body['errors']).toEqual([expect.objectContaining({ pointer: '/roles', rule: 'admin-at-bureau' })]);
      // the same role at a bureau of its level is granted
      const bureau = await api('POST', '/api/v1/accounts', {
        token: admin,
        body: {
          username: uniqueId('adm'),
          displayName: '管理员',
          orgUnitId: role === 'city-admin' ? city : county,
          roles: [role],
          password: 'admin-password-12',
        },
      });
      expect(bureau.status).toBe(201);
    },
  );

  it('generates a password shown once when the creator gives none, and stores only an argon2id hash', async () => {
    const username = uniqueId('gen');
    const made = await api('POST', '/api/v1/accounts', {
      token: admin,
      body: { username, displayName: '系统', orgUnitId: school, roles: ['school-secretary'], kind: 'system' },
    });
    expect(made.status).toBe(201);
    const password = made.body['initialPassword'] as string;
    expect(password).toHaveLength(24);
    await login(username, password);
    const again = await api('GET', `/api/v1/accounts/${made.body['id'] as string}`, { token: admin });
    expect(again.body['initialPassword']).toBeUndefined();
    expect(JSON.stringify(again.body)).not.toMatch(/argon2|passwordHash/);
  });

  it.each([
    [
      'an expired token',
      async () =>
        new SignJWT({ org: school, roles: ['school-secretary'] })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject(secretary.id)
          .setIssuer(ACCESS_ISSUER)
          .setAudience(ACCESS_AUDIENCE)
          .setIssuedAt(Math.floor(Date.now() / 1000) - 3600)
          .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
          .sign(new TextEncoder().encode(e2e.authSecret)),
    ],
    ['a token signed with another key', () => tokenFor(school, ['school-secretary']).then(() => signedWith('x'.repeat(43)))],
    [
      'an unsigned token (alg: none)',
      () =>
        Promise.resolve(
          new UnsecuredJWT({ org: city, roles: ['city-admin'] })
            .setSubject('attacker')
            .setIssuer(ACCESS_ISSUER)
            .setAudience(ACCESS_AUDIENCE)
            .setExpirationTime('1h')
            .encode(),
        ),
    ],
    [
      'an internal (service) token presented as an access token',
      () => signInternalToken({ sub: 'x', orgUnitId: city, roles: ['city-admin'] }, e2e.authSecret),
    ],
    ['garbage', () => Promise.resolve('not.a.jwt')],
  ])('refuses %s with 401', async (_case, make) => {
    const res = await api('GET', '/api/v1/accounts/me', { token: await make() });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/Bearer/);
  });

  it.each(['exp', 'iat', 'aud'] as const)('refuses a token signed with the right key but without %s: 401 problem+json', async (missing) => {
    const res = await api('GET', '/api/v1/accounts/me', {
      token: await lacking(missing, { issuer: ACCESS_ISSUER, audience: ACCESS_AUDIENCE, secret: e2e.authSecret, org: school }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    // the same token with every claim is accepted: the missing claim is what is refused
    const whole = await lacking('nothing', { issuer: ACCESS_ISSUER, audience: ACCESS_AUDIENCE, secret: e2e.authSecret, org: school });
    expect((await api('GET', '/api/v1/accounts/me', { token: whole })).status).toBe(200);
  });

  it("logout ends that session's access tokens at once, not the account's other sessions", async () => {
    const tokens = await login(secretary.username, secretary.password);
    const other = await login(secretary.username, secretary.password);
    expect((await api('GET', '/api/v1/accounts/me', { token: tokens.accessToken })).status).toBe(200);
    const out = await api('POST', '/api/v1/auth/logout', { token: tokens.accessToken, body: { refreshToken: tokens.refreshToken } });
    expect(out.status).toBe(204);
    const after = await api('GET', '/api/v1/accounts/me', { token: tokens.accessToken });
    expect(after.status).toBe(401);
    expect(after.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await api('GET', `/api/v1/org-units/${school}`, { token: tokens.accessToken })).status).toBe(401);
    expect((await api('GET', '/api/v1/accounts/me', { token: other.accessToken })).status).toBe(200);
  });

  it('a replayed refresh token ends every access token of that session', async () => {
    const first = await login(secretary.username, secretary.password);
    const second = await api('POST', '/api/v1/auth/refresh', { body: { refreshToken: first.refreshToken } });
    const next = second.body['accessToken'] as string;
    expect((await api('GET', '/api/v1/accounts/me', { token: next })).status).toBe(200);
    expect((await api('POST', '/api/v1/auth/refresh', { body: { refreshToken: first.refreshToken } })).status).toBe(401);
    expect((await api('GET', '/api/v1/accounts/me', { token: first.accessToken })).status).toBe(401);
    expect((await api('GET', '/api/v1/accounts/me', { token: next })).status).toBe(401);
  });

  it('rotates refresh tokens: each works once, a replayed one ends the session', async () => {
    const first = await login(secretary.username, secretary.password);
    const second = await api('POST', '/api/v1/auth/refresh', { body: { refreshToken: first.refreshToken } });
    expect(second.status).toBe(200);
    const me = await api('GET', '/api/v1/accounts/me', { token: second.body['accessToken'] as string });
    expect(me.status).toBe(200);
    // The first token again: a replay. Refused, and the session's current token dies with it.
    expect((await api('POST', '/api/v1/auth/refresh', { body: { refreshToken: first.refreshToken } })).status).toBe(401);
    expect((await api('POST', '/api/v1/auth/refresh', { body: { refreshToken: second.body['refreshToken'] } })).status).toBe(401);
  });

  it('refuses a refresh after logout with 401', async () => {
    const tokens = await login(secretary.username, secretary.password);
    const out = await api('POST', '/api/v1/auth/logout', { token: tokens.accessToken, body: { refreshToken: tokens.refreshToken } });
    expect(out.status).toBe(204);
    const after = await api('POST', '/api/v1/auth/refresh', { body: { refreshToken: tokens.refreshToken } });
    expect(after.status).toBe(401);
  });

  it('disabling an account stops its logins, its refresh sessions and their access tokens', async () => {
    const username = uniqueId('leaver');
    const made = await api('POST', '/api/v1/accounts', {
      token: admin,
      body: { username, displayName: '离任', orgUnitId: school, roles: ['inspector'], password: 'leaver-password-1' },
    });
    const tokens = await login(username, 'leaver-password-1');
    const read = await api('GET', `/api/v1/accounts/${made.body['id'] as string}`, { token: admin });
    const off = await api('PATCH', `/api/v1/accounts/${made.body['id'] as string}`, {
      token: admin,
      body: { disabled: true },
      headers: { 'if-match': read.headers.get('etag')! },
    });
    expect(off.status).toBe(200);
    expect((await api('GET', '/api/v1/accounts/me', { token: tokens.accessToken })).status).toBe(401);
    expect((await api('POST', '/api/v1/auth/login', { body: { username, password: 'leaver-password-1' } })).status).toBe(401);
    expect((await api('POST', '/api/v1/auth/refresh', { body: { refreshToken: tokens.refreshToken } })).status).toBe(401);
  });

  it('API keys: shown once, stored hashed, act as their unit, record last use, and a revoked key is 401', async () => {
    const secretaryToken = (await login(secretary.username, secretary.password)).accessToken;
    const made = await api('POST', '/api/v1/api-keys', { token: secretaryToken, body: { name: '校办系统', orgUnitId: school } });
    expect(made.status).toBe(201);
    const key = made.body['key'] as string;
    expect(key).toMatch(/^pbk_[A-Za-z0-9_-]{43}$/);
    expect(made.body).toMatchObject({ orgUnitId: school, role: 'school-secretary', prefix: key.slice(0, 12), lastUsedAt: null });

    const viaHeader = await api('GET', `/api/v1/org-units/${school}`, { apiKey: key });
    expect(viaHeader.status).toBe(200);
    const viaAuthorization = await api('GET', '/api/v1/accounts/me', { headers: { authorization: `ApiKey ${key}` } });
    expect(viaAuthorization.body).toEqual({
      sub: `api-key:${made.body['id'] as string}`,
      orgUnitId: school,
      roles: ['school-secretary'],
      via: 'api-key',
    });
    // A key reaches only its own subtree, and cannot mint more keys.
    expect((await api('GET', `/api/v1/org-units/${city}`, { apiKey: key })).status).toBe(404);
    expect((await api('POST', '/api/v1/api-keys', { apiKey: key, body: { name: 'x', orgUnitId: school } })).status).toBe(403);

    const listed = await api('GET', `/api/v1/api-keys?unit=${school}`, { token: secretaryToken });
    const entry = (listed.body['items'] as Record<string, unknown>[]).find((k) => k['id'] === made.body['id']);
    expect(entry?.['key']).toBeUndefined();
    expect(JSON.stringify(listed.body)).not.toContain(key);
    expect(typeof entry?.['lastUsedAt']).toBe('string');

    expect((await api('DELETE', `/api/v1/api-keys/${made.body['id'] as string}`, { token: secretaryToken })).status).toBe(204);
    expect((await api('GET', `/api/v1/org-units/${school}`, { apiKey: key })).status).toBe(401);
    expect((await api('GET', '/api/v1/accounts/me', { apiKey: 'pbk_' + 'A'.repeat(43) })).status).toBe(401);
  });

  it('audits logins, failures and key uses, visible to the bureau above', async () => {
    const entries = await eventually('the audit entries', async () => {
      const res = await api('GET', `/api/v1/audit?unit=${school}&category=auth&limit=100`, { token: admin });
      const actions = new Set((res.body['items'] as { action: string }[]).map((e) => e.action));
      return ['auth.login', 'auth.login-failed', 'api-key.used', 'api-key.refused', 'auth.logout'].every((a) => actions.has(a))
        ? res.body
        : null;
    });
    const failed = (entries['items'] as Record<string, unknown>[]).find(
      (e) => e['action'] === 'auth.login-failed' && (e['after'] as { username?: string }).username === secretary.username,
    );
    expect(failed).toMatchObject({
      category: 'auth',
      unitId: school,
      service: 'gateway',
      after: { username: secretary.username, reason: 'wrong password' },
    });
    expect(typeof failed?.['ip']).toBe('string');
  });

  function signedWith(key: string) {
    return new SignJWT({ org: school, roles: ['school-secretary'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(secretary.id)
      .setIssuer(ACCESS_ISSUER)
      .setAudience(ACCESS_AUDIENCE)
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(key));
  }
});

describe('a request that bypasses the gateway is refused by the owning service', () => {
  const registry = () => `http://127.0.0.1:${e2e.serviceEnvs['org-registry']?.['HTTP_PORT']}`;
  const internalSecret = () => e2e.serviceEnvs['org-registry']?.['INTERNAL_AUTH_SECRET'] ?? '';
  const city = uniqueId('bycity');

  beforeAll(async () => {
    const res = await api('POST', '/api/v1/org-units', {
      token: await tokenFor(city, ['city-admin']),
      body: { id: city, code: city.toUpperCase(), name: city, kind: 'city-bureau', parentId: null },
    });
    expect(res.status).toBe(201);
  });

  it('401 without a forwarded identity, and with one signed by another key', async () => {
    expect((await fetch(`${registry()}/api/v1/org-units/${city}`)).status).toBe(401);
    const forged = await signInternalToken({ sub: 'x', orgUnitId: city, roles: ['city-admin'] }, 'f'.repeat(43));
    expect((await fetch(`${registry()}/api/v1/org-units/${city}`, { headers: { [INTERNAL_IDENTITY_HEADER]: forged } })).status).toBe(401);
    // A caller's access token is not a forwarded identity either.
    const access = await tokenFor(city, ['city-admin']);
    expect((await fetch(`${registry()}/api/v1/org-units/${city}`, { headers: { [INTERNAL_IDENTITY_HEADER]: access } })).status).toBe(401);
  });

  it.each(['exp', 'iat', 'aud'] as const)(
    '401 problem+json for a forwarded identity without %s, signed with the right key',
    async (missing) => {
      const kind = { issuer: 'pb-gateway', audience: 'pb-internal', secret: internalSecret(), org: city };
      const res = await fetch(`${registry()}/api/v1/org-units/${city}`, {
        headers: { [INTERNAL_IDENTITY_HEADER]: await lacking(missing, kind) },
      });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const whole = await lacking('nothing', kind);
      expect((await fetch(`${registry()}/api/v1/org-units/${city}`, { headers: { [INTERNAL_IDENTITY_HEADER]: whole } })).status).toBe(200);
    },
  );

  it('404 for a genuine identity of another subtree, 403 for a role the route does not admit', async () => {
    const stranger = await signInternalToken({ sub: 'x', orgUnitId: uniqueId('elsewhere'), roles: ['city-admin'] }, internalSecret());
    expect((await fetch(`${registry()}/api/v1/org-units/${city}`, { headers: { [INTERNAL_IDENTITY_HEADER]: stranger } })).status).toBe(404);
    const analyst = await signInternalToken({ sub: 'x', orgUnitId: city, roles: ['analyst'] }, internalSecret());
    const res = await fetch(`${registry()}/api/v1/org-units`, {
      method: 'POST',
      headers: { [INTERNAL_IDENTITY_HEADER]: analyst, 'content-type': 'application/json' },
      body: JSON.stringify({ code: 'X1', name: 'x', kind: 'unit', parentId: city }),
    });
    expect(res.status).toBe(403);
  });
});

/** A token signed with the right key, issuer and audience, but without `missing` (or complete with 'nothing'). */
function lacking(
  missing: 'exp' | 'iat' | 'aud' | 'nothing',
  kind: { issuer: string; audience: string; secret: string; org: string },
): Promise<string> {
  let jwt = new SignJWT({ org: kind.org, roles: ['city-admin'] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('no-such-account')
    .setIssuer(kind.issuer);
  if (missing !== 'aud') jwt = jwt.setAudience(kind.audience);
  if (missing !== 'iat') jwt = jwt.setIssuedAt();
  if (missing !== 'exp') jwt = jwt.setExpirationTime('10m');
  return jwt.sign(new TextEncoder().encode(kind.secret));
}

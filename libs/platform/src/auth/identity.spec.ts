import { describe, expect, it } from '@jest/globals';
import { SignJWT, UnsecuredJWT } from 'jose';
import { signAccessToken, signInternalToken, verifyAccessToken, verifyInternalToken, type Identity } from './identity.js';

const secret = 'k'.repeat(40);
const who: Identity = { sub: 'acct-1', orgUnitId: 'school-1', roles: ['school-secretary'] };

describe('identity tokens', () => {
  it('round-trips an access token and an internal token', async () => {
    expect(await verifyAccessToken(await signAccessToken(who, secret), secret)).toEqual(who);
    expect(await verifyInternalToken(await signInternalToken(who, secret), secret)).toEqual(who);
  });

  it('keeps the two kinds apart: an access token is not an internal one and back', async () => {
    await expect(verifyInternalToken(await signAccessToken(who, secret), secret)).rejects.toThrow();
    await expect(verifyAccessToken(await signInternalToken(who, secret), secret)).rejects.toThrow();
  });

  it('refuses a wrong signature, an expired token and alg none', async () => {
    await expect(verifyAccessToken(await signAccessToken(who, 'o'.repeat(40)), secret)).rejects.toThrow();
    const expired = await new SignJWT({ org: 'school-1', roles: [] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('acct-1')
      .setIssuer('pb-gateway')
      .setAudience('pb-api')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 70)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 10)
      .sign(new TextEncoder().encode(secret));
    await expect(verifyAccessToken(expired, secret)).rejects.toThrow(/exp/);
    const none = new UnsecuredJWT({ org: 'school-1', roles: ['city-admin'] })
      .setSubject('x')
      .setIssuer('pb-gateway')
      .setAudience('pb-api')
      .encode();
    await expect(verifyAccessToken(none, secret)).rejects.toThrow();
  });

  it('drops unknown roles from the claims', async () => {
    const token = await new SignJWT({ org: 'school-1', roles: ['school-secretary', 'root'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('acct-1')
      .setIssuer('pb-gateway')
      .setAudience('pb-api')
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(new TextEncoder().encode(secret));
    expect((await verifyAccessToken(token, secret)).roles).toEqual(['school-secretary']);
  });

  /** A token of `kind` signed with the right key, issuer and claims, except those left out. */
  async function without(kind: 'access' | 'internal', missing: 'exp' | 'iat' | 'aud' | 'nothing'): Promise<string> {
    let jwt = new SignJWT({ org: 'school-1', roles: ['city-admin'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('acct-1')
      .setIssuer('pb-gateway');
    if (missing !== 'aud') jwt = jwt.setAudience(kind === 'access' ? 'pb-api' : 'pb-internal');
    if (missing !== 'iat') jwt = jwt.setIssuedAt();
    if (missing !== 'exp') jwt = jwt.setExpirationTime('5m');
    return jwt.sign(new TextEncoder().encode(secret));
  }

  it.each([
    ['access', 'exp'],
    ['access', 'iat'],
    ['access', 'aud'],
    ['internal', 'exp'],
    ['internal', 'iat'],
    ['internal', 'aud'],
  ] as const)('refuses an %s token without %s', async (kind, missing) => {
    const verify = kind === 'access' ? verifyAccessToken : verifyInternalToken;
    await expect(verify(await without(kind, missing), secret)).rejects.toThrow(new RegExp(missing));
    // the same token with every claim passes: the missing claim is what is refused
    await expect(verify(await without(kind, 'nothing'), secret)).resolves.toMatchObject({ sub: 'acct-1' });
  });

  it('carries the session id in access tokens, never in the identity forwarded to services', async () => {
    const session = { ...who, sid: 'session-1' };
    expect(await verifyAccessToken(await signAccessToken(session, secret), secret)).toEqual(session);
    expect(await verifyInternalToken(await signInternalToken(session, secret), secret)).toEqual(who);
  });
});

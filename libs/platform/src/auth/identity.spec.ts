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
      .setExpirationTime('1m')
      .sign(new TextEncoder().encode(secret));
    expect((await verifyAccessToken(token, secret)).roles).toEqual(['school-secretary']);
  });
});

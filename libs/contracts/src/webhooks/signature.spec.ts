import { createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { signWebhook, verifyWebhook } from './signature.js';

const secret = 'whsec_test-secret';
const body = '{"id":"d1","category":"report-overdue","unitId":"s1"}';
const now = new Date('2027-03-13T00:05:00Z');
const t = Math.floor(now.getTime() / 1000);

describe('webhook signatures', () => {
  it('signs HMAC-SHA256 over "<t>.<body>" as t=<unix>,v1=<hex>', () => {
    const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    expect(signWebhook(secret, body, t)).toBe(`t=${t},v1=${expected}`);
  });

  it('verifies its own signature, from a string or the raw bytes', () => {
    expect(verifyWebhook(secret, body, signWebhook(secret, body, t), { now })).toEqual({
      ok: true,
      timestamp: t,
    });
    expect(verifyWebhook(secret, Buffer.from(body), signWebhook(secret, body, t), { now })).toEqual({ ok: true, timestamp: t });
  });

  it('rejects a tampered body, another secret, a stale or future timestamp, and a malformed header', () => {
    const header = signWebhook(secret, body, t);
    expect(verifyWebhook(secret, body.replace('s1', 's2'), header, { now })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(verifyWebhook('whsec_other', body, header, { now })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(verifyWebhook(secret, body, header, { now: new Date(now.getTime() + 301_000) })).toEqual({ ok: false, reason: 'stale' });
    expect(verifyWebhook(secret, body, header, { now: new Date(now.getTime() - 301_000) })).toEqual({ ok: false, reason: 'stale' });
    expect(verifyWebhook(secret, body, header, { now: new Date(now.getTime() + 299_000) })).toMatchObject({ ok: true });
    for (const bad of [undefined, '', 'v1=abc', `t=${t}`, `t=x,v1=${'0'.repeat(64)}`])
      expect(verifyWebhook(secret, body, bad, { now })).toEqual({ ok: false, reason: 'malformed' });
    // Changing the timestamp in the header breaks the MAC: it is signed too.
    expect(verifyWebhook(secret, body, header.replace(`t=${t}`, `t=${t + 1}`), { now })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
  });

  it('accepts any matching v1 while a secret is being rotated', () => {
    const old = signWebhook('whsec_old', body, t).split(',')[1];
    expect(verifyWebhook(secret, body, `${signWebhook(secret, body, t)},${old}`, { now })).toMatchObject({ ok: true });
  });
});

import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed webhooks (docs/webhooks.md). The platform signs `<unix seconds>.<raw body>` with HMAC-SHA256
 * and the endpoint's secret, and sends `x-pb-signature: t=<unix seconds>,v1=<hex>`. A receiver
 * recomputes the MAC over the raw bytes it received and refuses a timestamp outside the replay
 * window, so a captured request cannot be played again later.
 */
export const WEBHOOK_SIGNATURE_HEADER = 'x-pb-signature';
/** The delivery id: the same on every retry of one delivery, so a receiver can drop repeats. */
export const WEBHOOK_DELIVERY_HEADER = 'x-pb-delivery';
/** The notice category (`report-overdue`, ...). */
export const WEBHOOK_CATEGORY_HEADER = 'x-pb-category';
/** Default replay window: a signature older (or newer) than this is refused. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

export function webhookMac(secret: string, timestamp: number, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

/** The `x-pb-signature` header value for a body sent at `timestamp` (unix seconds). */
export function signWebhook(secret: string, body: string | Buffer, timestamp = Math.floor(Date.now() / 1000)): string {
  return `t=${timestamp},v1=${webhookMac(secret, timestamp, body)}`;
}

export type WebhookVerification = { ok: true; timestamp: number } | { ok: false; reason: 'malformed' | 'stale' | 'mismatch' };

/**
 * Receiver side: checks a signature header against the raw body. Accepts any `v1` entry that
 * matches (several appear while a secret is being rotated). Compare in constant time.
 */
export function verifyWebhook(
  secret: string,
  body: string | Buffer,
  header: string | undefined,
  options: { toleranceSeconds?: number; now?: Date } = {},
): WebhookVerification {
  if (!header) return { ok: false, reason: 'malformed' };
  let timestamp: number | undefined;
  const macs: string[] = [];
  for (const part of header.split(',')) {
    const [k, v] = part.trim().split('=', 2);
    if (k === 't' && v && /^\d{1,12}$/.test(v)) timestamp = Number(v);
    else if (k === 'v1' && v && /^[0-9a-f]{64}$/.test(v)) macs.push(v);
  }
  if (timestamp === undefined || macs.length === 0) return { ok: false, reason: 'malformed' };
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? WEBHOOK_TOLERANCE_SECONDS)) return { ok: false, reason: 'stale' };
  const expected = Buffer.from(webhookMac(secret, timestamp, body), 'hex');
  const match = macs.some((m) => timingSafeEqual(Buffer.from(m, 'hex'), expected));
  return match ? { ok: true, timestamp } : { ok: false, reason: 'mismatch' };
}

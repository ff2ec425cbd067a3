import { Inject, Injectable } from '@nestjs/common';
import { signWebhook, WEBHOOK_CATEGORY_HEADER, WEBHOOK_DELIVERY_HEADER, WEBHOOK_SIGNATURE_HEADER } from '@pb/contracts';
import { NOTIFICATIONS_OPTIONS, type NotificationsOptions } from '../../options.js';

export type AttemptResult = { ok: true } | { ok: false; permanent: boolean; error: string };

/**
 * Webhook POSTs to a school's own system, signed (docs/webhooks.md). 2xx is delivered; a timeout,
 * a network error, 408, 429 and 5xx are retried; any other status is the receiver refusing the
 * request (a wrong secret, a route that does not exist), and retrying it would not help.
 */
@Injectable()
export class WebhookChannel {
  constructor(@Inject(NOTIFICATIONS_OPTIONS) private readonly options: NotificationsOptions) {}

  async send(request: {
    url: string;
    secret: string;
    body: string;
    deliveryId: string;
    category: string;
    now: Date;
  }): Promise<AttemptResult> {
    const timestamp = Math.floor(request.now.getTime() / 1000);
    try {
      const res = await fetch(request.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'pb-notifications/1',
          [WEBHOOK_SIGNATURE_HEADER]: signWebhook(request.secret, request.body, timestamp),
          [WEBHOOK_DELIVERY_HEADER]: request.deliveryId,
          [WEBHOOK_CATEGORY_HEADER]: request.category,
        },
        body: request.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.webhookTimeoutMs),
      });
      await res.body?.cancel().catch(() => undefined);
      if (res.status >= 200 && res.status < 300) return { ok: true };
      const retry = res.status === 408 || res.status === 429 || res.status >= 500;
      return { ok: false, permanent: !retry, error: `HTTP ${res.status}` };
    } catch (err) {
      const e = err as { name?: string; message?: string; cause?: { code?: string } };
      return {
        ok: false,
        permanent: false,
        error: `${e.cause?.code ?? e.name ?? 'Error'}: ${e.message ?? String(err)}`.slice(0, 500),
      };
    }
  }
}

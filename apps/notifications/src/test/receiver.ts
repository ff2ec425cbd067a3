import { createServer, type Server } from 'node:http';
import { verifyWebhook, WEBHOOK_DELIVERY_HEADER, WEBHOOK_SIGNATURE_HEADER } from '@pb/contracts';

export interface ReceivedHook {
  deliveryId: string;
  body: Record<string, unknown>;
  status: number;
}

/**
 * A school's system receiving webhooks: verifies each signature over the raw body with its secret
 * (docs/webhooks.md), answers 401 to a bad one, and can be told to fail with 500 for a while.
 */
export class TestWebhookReceiver {
  readonly accepted: ReceivedHook[] = [];
  readonly refused: ReceivedHook[] = [];
  secret = '';
  failWith = 0;
  now: () => Date = () => new Date();
  private server?: Server;
  port = 0;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const deliveryId = String(req.headers[WEBHOOK_DELIVERY_HEADER] ?? '');
        const check = verifyWebhook(this.secret, raw, req.headers[WEBHOOK_SIGNATURE_HEADER] as string | undefined, { now: this.now() });
        const status = !check.ok ? 401 : this.failWith || 204;
        const hook = {
          deliveryId,
          body: JSON.parse(raw.toString('utf8')) as Record<string, unknown>,
          status,
        };
        (status === 204 ? this.accepted : this.refused).push(hook);
        res.statusCode = status;
        res.end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/pb`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

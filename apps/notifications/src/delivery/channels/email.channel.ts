import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { NOTIFICATIONS_OPTIONS, type NotificationsOptions } from '../../options.js';
import type { AttemptResult } from './webhook.channel.js';

/** `smtp://user:pass@host:port` or `smtps://...` -> nodemailer pool options. */
export function smtpOptions(url: string, poolSize: number) {
  const u = new URL(url);
  return {
    pool: true as const,
    maxConnections: Math.max(1, poolSize),
    maxMessages: Infinity,
    host: u.hostname,
    port: Number(u.port || (u.protocol === 'smtps:' ? 465 : 25)),
    secure: u.protocol === 'smtps:',
    ...(u.username ? { auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  };
}

/** 邮件 E-mail over SMTP through a pooled nodemailer transport. */
@Injectable()
export class EmailChannel implements OnApplicationShutdown {
  private readonly transporter?: Transporter;

  constructor(@Inject(NOTIFICATIONS_OPTIONS) private readonly options: NotificationsOptions) {
    if (options.smtp) this.transporter = nodemailer.createTransport(smtpOptions(options.smtp.url, options.smtp.poolSize));
  }

  get enabled(): boolean {
    return !!this.transporter;
  }

  /** 5xx from the server is permanent (unknown mailbox, refused); connection errors and 4xx are retried. */
  async send(mail: { to: string[]; subject: string; text: string; headers: Record<string, string> }): Promise<AttemptResult> {
    if (!this.transporter || !this.options.smtp) return { ok: false, permanent: true, error: 'e-mail is not configured (SMTP_URL)' };
    try {
      const info = (await this.transporter.sendMail({
        from: this.options.smtp.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        headers: mail.headers,
      })) as { rejected?: unknown[]; accepted?: unknown[] };
      if ((info.accepted?.length ?? 0) === 0)
        return {
          ok: false,
          permanent: true,
          error: `no recipient accepted (rejected: ${JSON.stringify(info.rejected ?? [])})`,
        };
      return { ok: true };
    } catch (err) {
      const e = err as { responseCode?: number; code?: string; message?: string };
      const permanent = typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600;
      return {
        ok: false,
        permanent,
        error: `${e.code ?? 'SMTP'}${e.responseCode ? ` ${e.responseCode}` : ''}: ${e.message ?? String(err)}`.slice(0, 500),
      };
    }
  }

  onApplicationShutdown() {
    this.transporter?.close();
  }
}

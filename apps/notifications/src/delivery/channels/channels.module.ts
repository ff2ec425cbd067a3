import { Module } from '@nestjs/common';
import { EmailChannel } from './email.channel.js';
import { WebhookChannel } from './webhook.channel.js';

/** E-mail over SMTP and signed webhooks. */
@Module({ providers: [EmailChannel, WebhookChannel], exports: [EmailChannel, WebhookChannel] })
export class ChannelsModule {}

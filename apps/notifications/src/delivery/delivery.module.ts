import { Module } from '@nestjs/common';
import { RecipientsModule } from '../recipients/recipients.module.js';
import { ChannelsModule } from './channels/channels.module.js';
import { DeliveryWorker } from './delivery.worker.js';

/** Sends e-mails and webhooks, retried with backoff, and records each attempt. */
@Module({ imports: [ChannelsModule, RecipientsModule], providers: [DeliveryWorker], exports: [DeliveryWorker] })
export class DeliveryModule {}

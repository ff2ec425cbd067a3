import { Module } from '@nestjs/common';
import { RecipientsModule } from '../recipients/recipients.module.js';
import { Dispatcher } from './dispatcher.js';

/** Turns a due notice into one delivery per recipient and channel. */
@Module({ imports: [RecipientsModule], providers: [Dispatcher], exports: [Dispatcher] })
export class DispatchModule {}

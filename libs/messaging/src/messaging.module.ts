import { type DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { KafkaClient } from './kafka.client.js';
import { KafkaHealthIndicator } from './kafka.health.js';
import { MESSAGING_OPTIONS, type MessagingOptions } from './messaging.options.js';
import { OutboxBatches } from './outbox-batches.js';
import { OutboxRelay } from './outbox-relay.js';
import { ProcessedEventLedger } from './processed-events.js';

@Module({})
export class MessagingModule {
  static forRoot(options: MessagingOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      imports: [TerminusModule],
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: options },
        KafkaClient,
        KafkaHealthIndicator,
        OutboxRelay,
        OutboxBatches,
        ProcessedEventLedger,
      ],
      exports: [MESSAGING_OPTIONS, KafkaClient, KafkaHealthIndicator, OutboxRelay, OutboxBatches, ProcessedEventLedger],
    };
  }
}

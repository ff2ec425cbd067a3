import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection, Connection } from 'mongoose';

interface ProcessedEvent {
  _id: string;
  group: string;
  eventId: string;
  type: string;
  appliedAt: Date;
}

/**
 * The ids of events a consumer group has applied, in the service's own database. The `_id`
 * (`<group>/<eventId>`) is the unique index: redelivery and offset replays find it and skip.
 */
@Injectable()
export class ProcessedEventLedger {
  constructor(@InjectConnection() private readonly connection: Connection) {}

  private get collection(): Collection<ProcessedEvent> {
    return this.connection.collection<ProcessedEvent>('processed_events');
  }

  async has(group: string, eventId: string): Promise<boolean> {
    return (await this.collection.countDocuments({ _id: `${group}/${eventId}` }, { limit: 1 })) > 0;
  }

  async mark(group: string, eventId: string, type: string): Promise<void> {
    try {
      await this.collection.insertOne({ _id: `${group}/${eventId}`, group, eventId, type, appliedAt: new Date() });
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
    }
  }
}

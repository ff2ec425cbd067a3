import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection, Connection } from 'mongoose';
import { findByIds, onlyDuplicateKeys } from '@pb/persistence';

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

  /** Which of `eventIds` the group has applied (asked by `_id` lists the local store's index answers). */
  async seen(group: string, eventIds: string[]): Promise<Set<string>> {
    const docs = await findByIds<ProcessedEvent>(
      this.collection,
      eventIds.map((id) => `${group}/${id}`),
      { eventId: 1 },
    );
    return new Set(docs.map((d) => d.eventId));
  }

  /** Records a run of applied events in one write; ids already there are left as they are. */
  async markAll(group: string, events: { id: string; type: string }[]): Promise<void> {
    if (events.length === 0) return;
    const appliedAt = new Date();
    try {
      await this.collection.insertMany(
        events.map((e) => ({ _id: `${group}/${e.id}`, group, eventId: e.id, type: e.type, appliedAt })),
        { ordered: false },
      );
    } catch (err) {
      if (!onlyDuplicateKeys(err)) throw err;
    }
  }

  async mark(group: string, eventId: string, type: string): Promise<void> {
    try {
      await this.collection.insertOne({ _id: `${group}/${eventId}`, group, eventId, type, appliedAt: new Date() });
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
    }
  }
}

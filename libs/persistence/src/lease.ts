import { randomUUID } from 'node:crypto';
import type { Collection, Connection } from 'mongoose';

interface LeaseDoc {
  _id: string;
  holder: string;
  until: Date;
}

/**
 * A named lease in the service's own database: at most one replica holds it at a time, so scheduled
 * work runs once with several replicas. Works on FerretDB (no transactions, no TTL): a lease expires
 * by its `until`, checked by whoever wants it next.
 */
export class Lease {
  readonly holder = `${process.pid}-${randomUUID()}`;

  constructor(
    private readonly connection: Connection,
    readonly name: string,
    private readonly ttlMs: number,
  ) {}

  private get leases(): Collection<LeaseDoc> {
    return this.connection.collection<LeaseDoc>('leases');
  }

  /** Takes or renews the lease; true when this replica holds it until now + ttl. */
  async acquire(now = new Date()): Promise<boolean> {
    const until = new Date(now.getTime() + this.ttlMs);
    try {
      const res = await this.leases.updateOne(
        { _id: this.name, $or: [{ holder: this.holder }, { until: { $lt: now } }] },
        { $set: { holder: this.holder, until } },
        { upsert: true },
      );
      return res.matchedCount + res.upsertedCount > 0;
    } catch (err) {
      // Another replica holds it: the upsert collided with its document.
      if ((err as { code?: number }).code === 11000) return false;
      throw err;
    }
  }

  async release(): Promise<void> {
    await this.leases.updateOne({ _id: this.name, holder: this.holder }, { $set: { until: new Date(0) } });
  }
}

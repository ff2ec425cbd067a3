import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection, Connection } from 'mongoose';
import { busy } from './problems.js';

interface LeaseDoc {
  _id: string;
  holder: string;
  expiresAt: Date;
}

const TTL_MS = 30_000;

/**
 * A lease document per key in the service's own store: one writer at a time for a whole org tree
 * (a city), across replicas, without transactions. The holder renews it while a long change runs;
 * a crashed holder's lease expires after 30 s. The collection holds only the leases in force, so
 * its non-`_id` filters stay cheap on FerretDB (which scans for them).
 */
@Injectable()
export class LeaseService {
  private readonly logger = new Logger('Lease');
  private readonly local = new Map<string, Promise<unknown>>();

  constructor(@InjectConnection() private readonly connection: Connection) {}

  private get leases(): Collection<LeaseDoc> {
    return this.connection.collection<LeaseDoc>('leases');
  }

  /** Runs `work` holding the lease on `key`; waits up to `waitMs` for another holder, then answers 503. */
  async withLease<T>(key: string, work: (renew: () => Promise<void>) => Promise<T>, waitMs = 20_000): Promise<T> {
    // Callers in this process queue locally first, so only one of them polls the store.
    const previous = this.local.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const chained = previous.then(() => mine);
    this.local.set(key, chained);
    try {
      await previous.catch(() => undefined);
      const holder = randomUUID();
      await this.acquire(key, holder, waitMs);
      try {
        return await work(() => this.renew(key, holder));
      } finally {
        await this.leases.deleteOne({ _id: key, holder }).catch((err: unknown) => this.logger.warn(`release ${key}: ${String(err)}`));
      }
    } finally {
      release();
      if (this.local.get(key) === chained) this.local.delete(key);
    }
  }

  private async acquire(key: string, holder: string, waitMs: number): Promise<void> {
    const deadline = Date.now() + waitMs;
    for (let wait = 20; ; wait = Math.min(wait * 2, 500)) {
      try {
        await this.leases.insertOne({ _id: key, holder, expiresAt: new Date(Date.now() + TTL_MS) });
        return;
      } catch (err) {
        if ((err as { code?: number }).code !== 11000) throw err;
      }
      const current = await this.leases.findOne({ _id: key });
      if (current && current.expiresAt.getTime() < Date.now()) {
        this.logger.warn(`lease ${key} of ${current.holder} expired; taking it over`);
        await this.leases.deleteOne({ _id: key, holder: current.holder });
        continue;
      }
      if (Date.now() > deadline) throw busy();
      await new Promise((r) => setTimeout(r, wait));
    }
  }

  private async renew(key: string, holder: string): Promise<void> {
    await this.leases.updateOne({ _id: key, holder }, { $set: { expiresAt: new Date(Date.now() + TTL_MS) } });
  }
}

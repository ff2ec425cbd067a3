import { randomUUID } from 'node:crypto';
import type { Collection, Connection } from 'mongoose';

interface LeaseDoc {
  _id: string;
  holder: string;
  until: Date;
  generation: number;
}

interface LeaseClaim {
  _id: string;
  at: Date;
}

/** Claims older than this are removed by the holder (no TTL index: FerretDB has none). */
const CLAIM_RETENTION_MS = 24 * 3_600_000;

/**
 * A named lease in the service's own database: at most one replica holds it at a time, so scheduled
 * work runs once with several replicas. Each change of the lease (take, renew) first inserts a claim
 * `<name>#<generation+1>` with a unique `_id`: inserts are atomic on MongoDB and FerretDB alike, so
 * of two replicas racing for the same generation exactly one wins and only the winner writes the
 * lease. (A conditional update is not enough on FerretDB 1.24: it is read-then-write.)
 */
export class Lease {
  readonly holder = `${process.pid}-${randomUUID()}`;
  private renewals = 0;

  constructor(
    private readonly connection: Connection,
    readonly name: string,
    private readonly ttlMs: number,
  ) {}

  private get leases(): Collection<LeaseDoc> {
    return this.connection.collection<LeaseDoc>('leases');
  }

  private get claims(): Collection<LeaseClaim> {
    return this.connection.collection<LeaseClaim>('lease_claims');
  }

  /** Takes or renews the lease; true when this replica holds it until now + ttl. */
  async acquire(now = new Date()): Promise<boolean> {
    const current = await this.leases.findOne({ _id: this.name });
    if (current && current.holder !== this.holder && current.until.getTime() >= now.getTime()) return false;
    const generation = (current?.generation ?? 0) + 1;
    try {
      await this.claims.insertOne({ _id: `${this.name}#${generation}`, at: now });
    } catch (err) {
      if ((err as { code?: number }).code === 11000) return false; // another replica took this generation
      throw err;
    }
    const until = new Date(now.getTime() + this.ttlMs);
    await this.leases.updateOne({ _id: this.name }, { $set: { holder: this.holder, until, generation } }, { upsert: true });
    if (++this.renewals % 100 === 0) {
      await this.claims.deleteMany({ _id: { $regex: `^${this.name}#` }, at: { $lt: new Date(now.getTime() - CLAIM_RETENTION_MS) } });
    }
    return true;
  }

  async release(): Promise<void> {
    const current = await this.leases.findOne({ _id: this.name });
    if (current?.holder === this.holder) await this.acquireExpired(current.generation + 1);
  }

  /** Hands the lease back: the next generation, already expired, so anyone may take it. */
  private async acquireExpired(generation: number) {
    try {
      await this.claims.insertOne({ _id: `${this.name}#${generation}`, at: new Date() });
      await this.leases.updateOne({ _id: this.name }, { $set: { holder: '', until: new Date(0), generation } });
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
    }
  }
}

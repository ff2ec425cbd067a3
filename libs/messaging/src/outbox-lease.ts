import type { Collection } from 'mongodb';

export interface LeaseDocument {
  _id: string;
  holder: string;
  expiresAt: Date;
  renewedAt: Date;
}

/**
 * A lease in the service's own database: one document per lease name, with the holder's id and an
 * expiry the holder keeps pushing forward. Whoever finds it expired (or finds itself the holder)
 * takes it with one conditional upsert; a second candidate's upsert collides on `_id` and fails.
 * No TTL index and no transaction: FerretDB has neither, and expiry is a comparison on read.
 *
 * The holder trusts its lease for `ttlMs - marginMs` counted from the moment it sent the renewal,
 * so a clock skew between replicas smaller than the margin cannot give two holders at once.
 */
export class Lease {
  private validUntil = 0;
  private lastHolder?: string;

  constructor(
    private readonly collection: Collection<LeaseDocument>,
    readonly name: string,
    readonly holder: string,
    readonly ttlMs: number,
    private readonly marginMs = Math.floor(ttlMs / 5),
  ) {}

  /** True while the lease is ours for sure (renewed less than `ttlMs - marginMs` ago). */
  get held(): boolean {
    return Date.now() < this.validUntil;
  }

  /** Who held the lease before we took it (for logs); undefined when it was free or ours. */
  get previousHolder(): string | undefined {
    return this.lastHolder;
  }

  /** Takes the lease if it is free or expired, renews it if ours; false when someone else holds it. */
  async acquire(): Promise<boolean> {
    const sentAt = Date.now();
    try {
      // No projection: FerretDB 1.24 refuses findAndModify with one.
      const before = await this.collection.findOneAndUpdate(
        { _id: this.name, $or: [{ holder: this.holder }, { expiresAt: { $lt: new Date(sentAt) } }] },
        { $set: { holder: this.holder, expiresAt: new Date(sentAt + this.ttlMs), renewedAt: new Date(sentAt) } },
        { upsert: true, returnDocument: 'before' },
      );
      this.lastHolder = before && before.holder !== this.holder ? before.holder : undefined;
      this.validUntil = sentAt + this.ttlMs - this.marginMs;
      return true;
    } catch (err) {
      // The filter did not match an existing lease (held by another, not expired): the upsert collides.
      if ((err as { code?: number }).code === 11000) {
        this.validUntil = 0;
        return false;
      }
      throw err;
    }
  }

  /** Gives the lease up at once (clean shutdown), so a standby does not wait for the expiry. */
  async release(): Promise<void> {
    const wasHeld = this.validUntil > 0;
    this.validUntil = 0;
    if (!wasHeld) return;
    await this.collection.updateOne({ _id: this.name, holder: this.holder }, { $set: { expiresAt: new Date(0) } });
  }

  /** Forgets the lease locally without telling the store (a crashed or partitioned holder). */
  forget(): void {
    this.validUntil = 0;
  }
}

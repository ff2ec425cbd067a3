import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Collection } from 'mongoose';

/** One generation of a lease: who holds it until when. Claims are the truth, `leases` a pointer. */
interface LeaseState {
  generation: number;
  holder: string;
  expiresAt: Date;
}

interface LeaseDoc extends LeaseState {
  _id: string;
}

interface LeaseClaim extends LeaseState {
  _id: string;
  name: string;
  at: Date;
}

export const LEASES = 'leases';
export const LEASE_CLAIMS = 'lease_claims';

/** Claims older than this are removed by the holder now and then (no TTL index: FerretDB has none). */
const CLAIM_RETENTION_MS = 24 * 3_600_000;
const FREE: LeaseState = { generation: 0, holder: '', expiresAt: new Date(0) };

const isDuplicate = (err: unknown) => (err as { code?: number }).code === 11000;

/** The service's database: a mongoose connection, or a model's `db`. */
export interface LeaseStore {
  collection(name: string): unknown;
}

export interface LeaseOptions {
  /** This replica's id; a new one per process by default. */
  holder?: string;
  /** The holder trusts its lease for `ttlMs - marginMs` from the moment it asked (clock skew between replicas). */
  marginMs?: number;
}

/**
 * A named lease in the service's own database: at most one replica holds it at a time (the leader of
 * a scheduler or of the outbox relay; one writer of an org tree).
 *
 * Every change of the lease (take, renew, release) inserts the claim `<name>#<generation+1>` with a
 * unique `_id`, and only the winner of that insert changes the lease. A unique insert is atomic on
 * MongoDB and on FerretDB alike, so the lease does not depend on conditional updates being atomic
 * (they are not on a bare FerretDB 1.24, ADR 0003). The claim itself carries the holder and expiry,
 * and `leases/<name>` only points at the latest generation: a holder that dies between its claim and
 * that pointer leaves nothing stuck, because the next candidate's insert collides on the claim and
 * reads it instead.
 */
export class Lease {
  readonly holder: string;
  private readonly marginMs: number;
  /** The generation this replica holds, as far as it knows. */
  private mine?: number;
  private validUntil = 0;
  private lastHolder?: string;

  constructor(
    private readonly connection: LeaseStore,
    readonly name: string,
    readonly ttlMs: number,
    options: LeaseOptions = {},
  ) {
    this.holder = options.holder ?? `${hostname()}/${process.pid}/${randomUUID()}`;
    this.marginMs = options.marginMs ?? Math.floor(ttlMs / 5);
  }

  private get leases(): Collection<LeaseDoc> {
    return this.connection.collection(LEASES) as Collection<LeaseDoc>;
  }

  private get claims(): Collection<LeaseClaim> {
    return this.connection.collection(LEASE_CLAIMS) as Collection<LeaseClaim>;
  }

  /** True while the lease is ours for sure (taken or renewed less than `ttlMs - marginMs` ago). */
  get held(): boolean {
    return Date.now() < this.validUntil;
  }

  /** Who held the lease before we took it (for logs); undefined when it was free, released or ours. */
  get previousHolder(): string | undefined {
    return this.lastHolder;
  }

  /**
   * Takes the lease if it is free or expired, renews it if ours; false when another replica holds it.
   * `now` is the instant the expiry counts from (a scheduler's clock); the store decides nothing by time.
   */
  async acquire(now?: Date): Promise<boolean> {
    const sentAt = Date.now();
    const at = now ?? new Date(sentAt);
    let state: LeaseState =
      this.mine !== undefined
        ? { generation: this.mine, holder: this.holder, expiresAt: at }
        : ((await this.leases.findOne({ _id: this.name })) ?? FREE);
    for (;;) {
      if (state.holder && state.holder !== this.holder && (state.expiresAt?.getTime() ?? 0) >= at.getTime()) {
        this.lose();
        return false;
      }
      const next: LeaseState = {
        generation: (state.generation ?? 0) + 1,
        holder: this.holder,
        expiresAt: new Date(at.getTime() + this.ttlMs),
      };
      if (await this.claim(next, at)) {
        this.lastHolder = state.holder && state.holder !== this.holder ? state.holder : undefined;
        this.validUntil = sentAt + this.ttlMs - this.marginMs;
        return true;
      }
      // Someone claimed that generation first: what it claimed decides.
      const theirs = await this.claims.findOne({ _id: `${this.name}#${next.generation}` });
      if (!theirs) throw new Error(`lease ${this.name}: claim ${next.generation} collided but cannot be read`);
      state = theirs;
    }
  }

  /** Gives the lease up at once (clean shutdown, end of a change), so the next one need not wait for the expiry. */
  async release(): Promise<void> {
    const generation = this.mine;
    this.lose();
    if (generation === undefined) return;
    // A collision means another replica took the lease after ours expired: nothing left to give up.
    await this.claim({ generation: generation + 1, holder: '', expiresAt: new Date(0) }, new Date());
    this.mine = undefined;
  }

  /** Forgets the lease locally without telling the store (a crashed or partitioned holder). */
  forget(): void {
    this.lose();
  }

  private lose() {
    this.mine = undefined;
    this.validUntil = 0;
  }

  /** Inserts the claim of one generation; true when this replica won it (and then moves the pointer). */
  private async claim(state: LeaseState, at: Date): Promise<boolean> {
    try {
      await this.claims.insertOne({ _id: `${this.name}#${state.generation}`, name: this.name, at, ...state });
    } catch (err) {
      if (isDuplicate(err)) return false;
      throw err;
    }
    this.mine = state.holder === this.holder ? state.generation : undefined;
    // The pointer only moves forward; a stale one costs the next reader a collision, never a second holder.
    // (A pointer without a generation is one written before claims carried the state.)
    const behind = { $or: [{ generation: { $lt: state.generation } }, { generation: { $exists: false } }] };
    await this.leases.updateOne({ _id: this.name, ...behind }, { $set: state }, { upsert: true }).catch((err: unknown) => {
      if (!isDuplicate(err)) throw err;
    });
    if (state.generation % 100 === 0) {
      await this.claims.deleteMany({
        name: this.name,
        generation: { $lt: state.generation },
        at: { $lt: new Date(at.getTime() - CLAIM_RETENTION_MS) },
      });
    }
    return true;
  }
}

/** Another replica (or caller) held the key longer than the caller would wait. */
export class LeaseBusyError extends Error {
  constructor(readonly key: string) {
    super(`lease ${key} is held elsewhere`);
  }
}

/** The lease of a running `withLease` expired and another holder took it: stop the work. */
export class LeaseLostError extends Error {
  constructor(readonly key: string) {
    super(`lease ${key} was lost`);
  }
}

/**
 * Mutual exclusion per key across replicas, on `Lease`: one `work` at a time per key; a long one calls
 * `renew()` between its steps. Callers of one process queue locally first, so only one of them polls the store.
 */
export class Leases {
  private readonly local = new Map<string, Promise<unknown>>();

  readonly ttlMs: number;
  private readonly busy: (key: string) => Error;

  constructor(
    private readonly connection: LeaseStore,
    options: { ttlMs?: number; busy?: (key: string) => Error } = {},
  ) {
    this.ttlMs = options.ttlMs ?? 30_000;
    this.busy = options.busy ?? ((key) => new LeaseBusyError(key));
  }

  /** Runs `work` holding the lease on `key`; waits up to `waitMs` for another holder, then throws `busy(key)` (a `LeaseBusyError` by default). */
  async withLease<T>(key: string, work: (renew: () => Promise<void>) => Promise<T>, waitMs = 20_000): Promise<T> {
    const previous = this.local.get(key) ?? Promise.resolve();
    let done!: () => void;
    const mine = new Promise<void>((r) => (done = r));
    const chained = previous.then(() => mine);
    this.local.set(key, chained);
    try {
      await previous.catch(() => undefined);
      const lease = new Lease(this.connection, key, this.ttlMs, { holder: randomUUID() });
      const deadline = Date.now() + waitMs;
      for (let wait = 20; !(await lease.acquire()); wait = Math.min(wait * 2, 500)) {
        if (Date.now() > deadline) throw this.busy(key);
        await new Promise((r) => setTimeout(r, wait));
      }
      try {
        return await work(async () => {
          if (!(await lease.acquire())) throw new LeaseLostError(key);
        });
      } finally {
        await lease.release().catch(() => undefined);
      }
    } finally {
      done();
      if (this.local.get(key) === chained) this.local.delete(key);
    }
  }
}

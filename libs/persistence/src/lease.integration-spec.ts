import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import mongoose, { type Connection } from 'mongoose';
import { Lease, LEASE_CLAIMS, LeaseBusyError, LeaseLostError, Leases, LEASES } from './lease.js';

// One database per test file (ARCHITECTURE.md §9), on the real store the tier started.
const dbName = `it_lease_${randomBytes(3).toString('hex')}`;
const TTL = 10_000;
const at = (ms: number) => new Date(Date.UTC(2030, 0, 1) + ms);
let n = 0;
const fresh = () => `lease-${++n}`;

describe('Lease on the real store', () => {
  let connection: Connection;

  beforeAll(async () => {
    connection = await mongoose.createConnection(process.env['MONGODB_URI'] ?? '', { dbName }).asPromise();
  });
  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  it('takes a free lease, refuses a second holder until it expires, then hands over and names the one it replaced', async () => {
    const name = fresh();
    const a = new Lease(connection, name, TTL, { holder: 'a' });
    const b = new Lease(connection, name, TTL, { holder: 'b' });
    await expect(a.acquire(at(0))).resolves.toBe(true);
    expect(a.held).toBe(true);
    expect(a.previousHolder).toBeUndefined();
    await expect(b.acquire(at(TTL - 1))).resolves.toBe(false);
    expect(b.held).toBe(false);
    await expect(a.acquire(at(TTL - 1))).resolves.toBe(true); // renewed: now valid to 2 TTL - 1
    await expect(b.acquire(at(2 * TTL - 2))).resolves.toBe(false);
    await expect(b.acquire(at(2 * TTL))).resolves.toBe(true);
    expect(b.previousHolder).toBe('a');
    await expect(a.acquire(at(2 * TTL + 1))).resolves.toBe(false); // a's renewal finds b's generation
    expect(a.held).toBe(false);
  });

  it('releases at once, so another replica need not wait for the expiry', async () => {
    const name = fresh();
    const a = new Lease(connection, name, TTL, { holder: 'a' });
    const b = new Lease(connection, name, TTL, { holder: 'b' });
    await a.acquire(at(0));
    await a.release();
    expect(a.held).toBe(false);
    await expect(b.acquire(at(1))).resolves.toBe(true);
    expect(b.previousHolder).toBeUndefined();
  });

  it('gives the lease to exactly one of many replicas racing for it', async () => {
    const name = fresh();
    const replicas = Array.from({ length: 8 }, (_, i) => new Lease(connection, name, TTL, { holder: `r${i}` }));
    const won = await Promise.all(replicas.map((r) => r.acquire(at(0))));
    expect(won.filter(Boolean)).toHaveLength(1);
    // After its expiry, again exactly one takes over.
    const again = await Promise.all(replicas.map((r) => r.acquire(at(TTL + 1))));
    expect(again.filter(Boolean)).toHaveLength(1);
  });

  it('is not stuck by a holder that died between its claim and the pointer', async () => {
    const name = fresh();
    const a = new Lease(connection, name, TTL, { holder: 'a' });
    await a.acquire(at(0)); // generation 1
    const claims = connection.collection(LEASE_CLAIMS);
    // A ghost won generation 2 and died before moving the pointer.
    await claims.insertOne({ _id: `${name}#2` as never, name, generation: 2, holder: 'ghost', expiresAt: at(3 * TTL), at: at(2 * TTL) });
    const b = new Lease(connection, name, TTL, { holder: 'b' });
    await expect(b.acquire(at(2 * TTL + 1))).resolves.toBe(false); // the ghost's claim is still in force
    await expect(b.acquire(at(3 * TTL + 1))).resolves.toBe(true);
    expect(b.previousHolder).toBe('ghost');
    expect(await connection.collection(LEASES).findOne({ _id: name as never })).toMatchObject({ generation: 3, holder: 'b' });
  });

  it('takes over a pointer written before claims carried the state (no generation)', async () => {
    const name = fresh();
    await connection.collection(LEASES).insertOne({ _id: name as never, holder: 'old', expiresAt: at(-1) });
    const a = new Lease(connection, name, TTL, { holder: 'a' });
    await expect(a.acquire(at(0))).resolves.toBe(true);
    expect(await connection.collection(LEASES).findOne({ _id: name as never })).toMatchObject({ generation: 1, holder: 'a' });
  });

  it('forgets a lease without telling the store: another replica waits for its expiry', async () => {
    const name = fresh();
    const a = new Lease(connection, name, TTL, { holder: 'a' });
    await a.acquire(at(0));
    a.forget();
    expect(a.held).toBe(false);
    await expect(new Lease(connection, name, TTL, { holder: 'b' }).acquire(at(1))).resolves.toBe(false);
  });

  describe('withLease', () => {
    it('runs the work of two replicas on one key one at a time', async () => {
      const key = fresh();
      const replicas = [new Leases(connection), new Leases(connection)];
      let inside = 0;
      let most = 0;
      const order: number[] = [];
      await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          replicas[i % 2].withLease(key, async (renew) => {
            most = Math.max(most, ++inside);
            await new Promise((r) => setTimeout(r, 5));
            await renew();
            order.push(i);
            inside--;
          }),
        ),
      );
      expect(most).toBe(1);
      expect(order.sort()).toEqual([0, 1, 2, 3, 4, 5]);
    });

    it('gives up after waitMs when another holder keeps the key', async () => {
      const key = fresh();
      await new Lease(connection, key, 60_000, { holder: 'elsewhere' }).acquire();
      await expect(new Leases(connection).withLease(key, () => Promise.resolve('ran'), 50)).rejects.toBeInstanceOf(LeaseBusyError);
      const busy = new Error('busy');
      await expect(new Leases(connection, { busy: () => busy }).withLease(key, () => Promise.resolve('ran'), 50)).rejects.toBe(busy);
    });

    it('fails the renewal of work whose lease expired and was taken over', async () => {
      const key = fresh();
      const result = new Leases(connection, { ttlMs: TTL }).withLease(key, async (renew) => {
        await new Lease(connection, key, TTL, { holder: 'other' }).acquire(new Date(Date.now() + 2 * TTL));
        await renew();
      });
      await expect(result).rejects.toBeInstanceOf(LeaseLostError);
    });
  });
});

import { describe, expect, it } from '@jest/globals';
import type { Collection } from 'mongodb';
import { Lease, type LeaseDocument } from './outbox-lease.js';

function store(behaviour: () => Promise<LeaseDocument | null>) {
  const calls: unknown[][] = [];
  const collection = {
    findOneAndUpdate: (...args: unknown[]) => {
      calls.push(args);
      return behaviour();
    },
    updateOne: (...args: unknown[]) => {
      calls.push(['updateOne', ...args]);
      return Promise.resolve({});
    },
  } as unknown as Collection<LeaseDocument>;
  return { collection, calls };
}

describe('outbox relay lease', () => {
  it('takes a free or expired lease with one conditional upsert, and names the holder it replaced', async () => {
    const before: LeaseDocument = { _id: 'svc', holder: 'other', expiresAt: new Date(0), renewedAt: new Date(0) };
    const { collection, calls } = store(() => Promise.resolve(before));
    const lease = new Lease(collection, 'svc', 'me', 10_000);
    await expect(lease.acquire()).resolves.toBe(true);
    expect(lease.held).toBe(true);
    expect(lease.previousHolder).toBe('other');
    const [filter, update, options] = calls[0] as [Record<string, unknown>, { $set: { holder: string } }, Record<string, unknown>];
    expect(filter).toMatchObject({ _id: 'svc', $or: [{ holder: 'me' }, { expiresAt: { $lt: expect.any(Date) as unknown as Date } }] });
    expect(update.$set.holder).toBe('me');
    expect(options).toEqual({ upsert: true, returnDocument: 'before' });
  });

  it('is not held when another holder has it (the upsert collides on _id)', async () => {
    const { collection } = store(() => Promise.reject(Object.assign(new Error('E11000'), { code: 11000 })));
    const lease = new Lease(collection, 'svc', 'me', 10_000);
    await expect(lease.acquire()).resolves.toBe(false);
    expect(lease.held).toBe(false);
  });

  it('releases only its own lease, by expiring it at once', async () => {
    const { collection, calls } = store(() => Promise.resolve(null));
    const lease = new Lease(collection, 'svc', 'me', 10_000);
    await lease.acquire();
    await lease.release();
    expect(lease.held).toBe(false);
    expect(calls[1]).toEqual(['updateOne', { _id: 'svc', holder: 'me' }, { $set: { expiresAt: new Date(0) } }]);
  });
});

import { describe, expect, it } from '@jest/globals';
import type { OutboxEvent } from './outbox.js';
import { OldestPending, type PendingEntry } from './outbox-order.js';

let order = 0;
/** A document's pending entries, in array order, given by their sequence numbers. */
function doc(docId: string, ...seqs: number[]): PendingEntry[] {
  return seqs.map((seq) => ({ entry: { id: `${docId}:${seq}` } as OutboxEvent, collection: 0, docId, seq, order: order++, bytes: 100 }));
}
const ids = (batch: PendingEntry[]) => batch.map((p) => p.entry.id);

describe('the order the outbox relay publishes in', () => {
  it('merges documents by sequence number', () => {
    const pending = new OldestPending(10, 1_000_000);
    pending.add(doc('unit', 1, 4, 5));
    pending.add(doc('party', 2, 3, 6));
    expect(ids(pending.take())).toEqual(['unit:1', 'party:2', 'party:3', 'unit:4', 'unit:5', 'party:6']);
  });

  it('keeps array order within a document whose writes took their numbers the other way round', () => {
    const pending = new OldestPending(10, 1_000_000);
    pending.add(doc('unit', 11, 10)); // committed 11 first, then 10
    pending.add(doc('party', 12));
    expect(ids(pending.take())).toEqual(['unit:11', 'unit:10', 'party:12']);
  });

  it('takes the start of the merge only: a batch limit never leaves an older entry behind', () => {
    const pending = new OldestPending(2, 1_000_000);
    pending.add(doc('a', 5, 9));
    pending.add(doc('b', 1, 2, 3));
    pending.add(doc('c', 4));
    expect(ids(pending.take())).toEqual(['b:1', 'b:2']);
  });

  it('stops before the lowest head it dropped to bound memory', () => {
    const pending = new OldestPending(1, 1_000_000);
    for (let d = 10; d >= 1; d--) pending.add(doc(`d${d}`, d, 100 + d)); // 10 documents > 4 x batch: trimmed
    expect(ids(pending.take())).toEqual(['d1:1']);
  });

  it('is settled once documents without numbers fill a batch: nothing read later comes before them', () => {
    const pending = new OldestPending(3, 1_000_000);
    pending.add(doc('numbered', 1));
    pending.add(doc('a', -1, -1));
    expect(pending.settled).toBe(false);
    pending.add(doc('mixed', -1, 7)); // has a numbered entry: not counted
    expect(pending.settled).toBe(false);
    pending.add(doc('b', -1));
    expect(pending.settled).toBe(true);
    const batch = ids(pending.take());
    // whatever a later document holds, it comes after these
    pending.add(doc('later', -1));
    expect(ids(pending.take())).toEqual(batch);
    expect(batch).toEqual(['a:-1', 'a:-1', 'mixed:-1']);
    const bytes = new OldestPending(100, 250);
    bytes.add(doc('c', -1, -1, -1));
    expect(bytes.settled).toBe(true);
  });

  it('keeps a batch to about maxBytes, but always takes one entry', () => {
    const pending = new OldestPending(100, 250);
    pending.add(doc('a', 1, 2, 3, 4));
    expect(ids(pending.take())).toEqual(['a:1', 'a:2']);
    const tiny = new OldestPending(100, 10);
    tiny.add(doc('a', 1, 2));
    expect(ids(tiny.take())).toEqual(['a:1']);
  });
});

import type { OutboxEvent } from './outbox.js';

/** One event read from an aggregate's outbox, with where it lives (for the `$pullAll` after publishing). */
export interface PendingEntry {
  entry: OutboxEvent;
  collection: number;
  docId: string;
  /** How many pending entries its document had when read (a standalone document wholly published is deleted). */
  docEntries?: number;
  /** The entry's number in the service's sequence; -1 for entries written before sequences existed. */
  seq: number;
  /** Read order: ties between entries without a number keep the order they were read in. */
  order: number;
  bytes: number;
}

/** The pending entries of one document, in array order (the order their writes committed). */
export type DocumentEntries = PendingEntry[];

const before = (a: PendingEntry, b: PendingEntry) => a.seq < b.seq || (a.seq === b.seq && a.order < b.order);

/**
 * Chooses the next batch to publish from the documents that have pending entries.
 *
 * Two orders must hold: within a document, array order (two writes to one aggregate commit in
 * array order even when they took their sequence numbers the other way round); across documents,
 * sequence order (a write that completed before another began has the lower number). A k-way merge
 * of the documents' arrays, always taking the head with the lowest number, keeps both.
 *
 * Bounded memory: while reading, `OldestPending.add` keeps only the documents with the lowest
 * heads and remembers the lowest head it dropped; the merge stops before reaching it, so every
 * batch is the start of the full merge and nothing it leaves behind belongs before what it took.
 */
export class OldestPending {
  private docs: DocumentEntries[] = [];
  private cutoff?: PendingEntry;
  /** Entries (and their bytes) of the documents read so far whose entries all lack a number. */
  private unnumbered = 0;
  private unnumberedBytes = 0;

  constructor(
    private readonly batchSize: number,
    private readonly maxBytes: number,
  ) {}

  add(doc: DocumentEntries): void {
    if (doc.length === 0) return;
    if (doc.every((p) => p.seq < 0)) {
      this.unnumbered += doc.length;
      this.unnumberedBytes += doc.reduce((n, p) => n + p.bytes, 0);
    }
    this.docs.push(doc);
    // A batch takes at most batchSize documents' heads: keep a few batches' worth.
    if (this.docs.length > this.batchSize * 4) this.trim();
  }

  private trim() {
    this.docs.sort((a, b) => (before(a[0], b[0]) ? -1 : 1));
    for (const dropped of this.docs.splice(this.batchSize)) {
      if (!this.cutoff || before(dropped[0], this.cutoff)) this.cutoff = dropped[0];
    }
  }

  /**
   * Whether reading on can no longer change the batch: the documents read so far whose entries all
   * lack a sequence number (a service that does not number its events, such as reporting) already
   * fill it. Such entries come before every numbered one, and before every entry read after them,
   * so the relay stops reading there instead of decoding every pending document of a backlog.
   */
  get settled(): boolean {
    return this.unnumbered >= this.batchSize || this.unnumberedBytes >= this.maxBytes;
  }

  /** The batch: at most `batchSize` entries and about `maxBytes` of data (at least one entry). */
  take(): PendingEntry[] {
    if (this.docs.length > this.batchSize) this.trim();
    const heads = this.docs.map(() => 0);
    const batch: PendingEntry[] = [];
    let bytes = 0;
    while (batch.length < this.batchSize) {
      let pick = -1;
      for (let d = 0; d < this.docs.length; d++) {
        const head: PendingEntry | undefined = this.docs[d][heads[d]]; // undefined past the end
        if (head && (pick < 0 || before(head, this.docs[pick][heads[pick]]))) pick = d;
      }
      if (pick < 0) break;
      const next = this.docs[pick][heads[pick]];
      if (this.cutoff && !before(next, this.cutoff)) break;
      if (batch.length > 0 && bytes + next.bytes > this.maxBytes) break;
      batch.push(next);
      bytes += next.bytes;
      heads[pick] += 1;
    }
    return batch;
  }
}

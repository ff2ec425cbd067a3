import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Consumer } from 'kafkajs';
import type { AnyBulkWriteOperation, Collection } from 'mongodb';
import type { Connection, Model } from 'mongoose';
import { field } from '@pb/persistence';
import { KafkaClient } from '../kafka.client.js';
import { OUTBOX_BATCHES, OutboxBatches, withOutboxBatches, type StagedBatch } from '../outbox-batches.js';
import { OutboxRelay } from '../outbox-relay.js';
import { defineAggregate, pendingEvent, type OutboxEvent } from '../outbox.js';
import { connectStore, eventually, messagingOptions, rawKafka, stateChangedContract, unique, type StateChanged } from './support.js';

/** An aggregate whose writes an import batches: a version for compare-and-set, the batch marks, an outbox for its other writes. */
interface Counter {
  _id: string;
  version: number;
  n: number;
  outboxBatches?: string[];
  outbox?: OutboxEvent[];
}

/** One process of a service: its Kafka client, relay and staged batches on the service's database. */
interface Replica {
  client: KafkaClient;
  relay: OutboxRelay;
  batches: OutboxBatches;
}

// Staged outbox batches on the real store and broker (docs/adr/0020): a batch's events in one outbox
// document, each aggregate written once with the batch's mark, the events published when the batch is
// committed; a process that stops between its writes and its commit leaves the batch staged, and the
// relay of the process that follows publishes the events of exactly the writes that landed, once.
describe('staged outbox batches: one outbox document per batch, recovered after a crash mid-batch', () => {
  const topic = unique('test.batches');
  const contract = stateChangedContract(topic);
  let connection: Connection;
  let counters: Model<Counter>;
  let consumer: Consumer;
  const seen: { id: string; data: StateChanged }[] = [];
  const replicas: Replica[] = [];

  const replica = (name: string, extra: Parameters<typeof messagingOptions>[0] = {}): Replica => {
    const options = messagingOptions({ service: 'batches-test', outboxLeaseMs: 1_500, outboxPollMs: 100, outboxRelayId: name, ...extra });
    const client = new KafkaClient(options);
    const relay = new OutboxRelay(client, options);
    const batches = new OutboxBatches(relay, options);
    relay.register(counters);
    batches.register(counters);
    const r = { client, relay, batches };
    replicas.push(r);
    return r;
  };
  const raw = () => counters.collection as unknown as Collection<Counter>;
  const seenOf = (key: string) => seen.filter((s) => s.data.key === key);

  /** Counters `key:0..count-1` at version 1, never written by a batch. */
  async function counterSet(key: string, count: number): Promise<string[]> {
    const ids = Array.from({ length: count }, (_, i) => `${key}:${i}`);
    await raw().insertMany(ids.map((_id) => ({ _id, version: 1, n: 0 })));
    return ids;
  }

  /** Stages one event per counter, as a batch of the importer does (the events of writes not yet sent). */
  async function stage(r: Replica, key: string, ids: string[]): Promise<StagedBatch> {
    return r.batches.stage(
      counters,
      ids.map((id, i) => ({ id, events: [pendingEvent(contract, { key, data: { key, n: i + 1, doc: id } })] })),
    );
  }

  /**
   * A write outside any batch, its event in its own outbox: published after every event numbered
   * before it, so once it is on the topic, anything a batch made pending before is too.
   */
  async function sentinel(r: Replica, key: string): Promise<void> {
    const [event] = await r.relay.sequence(pendingEvent(contract, { key, data: { key, n: 1, doc: key } }));
    await raw().insertOne({ _id: key, version: 1, n: 1, outbox: [event] });
    r.relay.nudge();
    await eventually(`the sentinel ${key} on the topic`, () => Promise.resolve(seenOf(key).length >= 1));
  }

  /** The batch's compare-and-set writes of `ids` (read at version 1), as `EnrolmentsService.applyMany` sends them. */
  async function write(batch: StagedBatch, ids: string[]): Promise<number> {
    const current = await raw()
      .find({ _id: { $in: ids } })
      .toArray();
    const stillStaged = await batch.stillStaged(current);
    const ops: AnyBulkWriteOperation<Counter>[] = current.map((c) => ({
      updateOne: {
        filter: { _id: c._id, version: 1, ...batch.guard() },
        update: { $set: { n: 1, version: 2, ...batch.marks(c, stillStaged) } },
      },
    }));
    return (await raw().bulkWrite(ops, { ordered: false })).matchedCount;
  }

  beforeAll(async () => {
    connection = await connectStore(unique('batches'));
    const schema = withOutboxBatches(defineAggregate({ collection: 'counters', fields: { version: field.number(), n: field.number() } }));
    counters = connection.model<Counter>('TestCounter', schema);
    await counters.init();
    const admin = new KafkaClient(messagingOptions({ service: 'batches-test-admin' }));
    await admin.ensureTopics([{ topic }]);
    await admin.onApplicationShutdown();
    consumer = rawKafka().consumer({ groupId: unique('batches-probe'), maxWaitTimeInMs: 50 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        seen.push({ id: message.headers!['ce_id']!.toString(), data: JSON.parse(message.value!.toString()) as StateChanged });
        return Promise.resolve();
      },
    });
  });

  afterAll(async () => {
    for (const r of replicas) {
      await r.relay.stop();
      await r.client.onApplicationShutdown();
    }
    await consumer.disconnect();
    await connection.dropDatabase();
    await connection.close();
  });

  it('publishes a committed batch once, from its own document: the aggregates are written once and their outboxes stay empty', async () => {
    const a = replica('normal');
    a.relay.start();
    const ids = await counterSet('normal', 120);
    const batch = await stage(a, 'normal', ids);
    // Staged: nothing pending for the relay.
    expect(await connection.collection(OUTBOX_BATCHES).countDocuments({ _id: batch.id as never, 'outbox.0': { $exists: true } })).toBe(0);
    let matched = 0;
    for (let i = 0; i < ids.length; i += 50) matched += await write(batch, ids.slice(i, i + 50));
    expect(matched).toBe(120);
    await batch.commit(new Set(ids));
    a.relay.nudge();

    await eventually('the 120 events on the topic', () => Promise.resolve(seenOf('normal').length >= 120));
    await eventually('the batch document deleted once published', async () =>
      (await connection.collection(OUTBOX_BATCHES).countDocuments({})) === 0 ? true : undefined,
    );
    const events = seenOf('normal');
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(events.map((e) => e.data.doc).sort()).toEqual([...ids].sort());
    const docs = await raw()
      .find({ _id: { $in: ids } })
      .toArray();
    expect(docs.every((d) => d.version === 2 && (d.outbox ?? []).length === 0 && d.outboxBatches?.join() === batch.id)).toBe(true);

    // The next batch on the same counters drops the mark of the committed one.
    const next = await stage(a, 'normal-next', ids.slice(0, 1));
    const [current] = await raw().find({ _id: ids[0] }).toArray();
    expect(next.marks(current, await next.stillStaged([current]))).toEqual({ outboxBatches: [next.id] });
    await next.commit(new Set());
    await a.relay.stop();
  });

  it('after a crash between the writes and the commit, the next process publishes the events of exactly the writes that landed, once', async () => {
    // Process A stages six writes, three land, and it dies before the commit (its own recovery would
    // wait a minute; the next process's waits 300 ms).
    const a = replica('crashing');
    a.relay.start();
    await eventually('relay A to hold the lease', () => Promise.resolve(a.relay.isLeader), 10_000);
    const ids = await counterSet('crash', 6);
    const batch = await stage(a, 'crash', ids);
    expect(await write(batch, ids.slice(0, 3))).toBe(3);
    await a.relay.stop({ release: false }); // the lease is left to expire, as after a crash

    // Process B starts: its relay takes the lease over and recovers the abandoned batch.
    const b = replica('restarted', { outboxBatchRecoveryMs: 300 });
    b.relay.start();
    await eventually('the staged batch recovered', async () =>
      (await connection.collection(OUTBOX_BATCHES).countDocuments({ _id: batch.id as never })) === 0 ? true : undefined,
    );
    await eventually('the landed writes’ events on the topic', () => Promise.resolve(seenOf('crash').length >= 3));

    // A write of the dead process still on its way lands nowhere: recovery fenced the batch off.
    expect(await write(batch, ids.slice(3))).toBe(0);
    // Its commit, were it to come now, publishes nothing: the recovery committed the batch.
    await batch.commit(new Set(ids));
    await sentinel(b, 'crash-sentinel');

    const events = seenOf('crash');
    expect(events.map((e) => e.data.doc).sort()).toEqual(ids.slice(0, 3));
    expect(new Set(events.map((e) => e.id)).size).toBe(3);
    const docs = await raw()
      .find({ _id: { $in: ids } })
      .sort({ _id: 1 })
      .toArray();
    expect(docs.map((d) => d.version)).toEqual([2, 2, 2, 1, 1, 1]);
    await b.relay.stop();
  });

  it('a write that meets an aggregate changed since it was read matches nothing: the commit publishes only the events of the writes that landed', async () => {
    const c = replica('concurrent');
    c.relay.start();
    const ids = await counterSet('concurrent', 2);
    const batch = await stage(c, 'concurrent', ids);
    const current = await raw()
      .find({ _id: { $in: ids } })
      .toArray();
    // Another write (outside the batch) moves the second counter on between the read and the batch's write.
    await raw().updateOne({ _id: ids[1] }, { $set: { version: 2, n: 7 } });
    const ops: AnyBulkWriteOperation<Counter>[] = current.map((d) => ({
      updateOne: {
        filter: { _id: d._id, version: 1, ...batch.guard() },
        update: { $set: { n: 1, version: 2, ...batch.marks(d, new Set()) } },
      },
    }));
    expect((await raw().bulkWrite(ops, { ordered: false })).matchedCount).toBe(1);
    const landed = await batch.landedOn(ids);
    expect([...landed]).toEqual([ids[0]]);
    await batch.commit(landed);
    c.relay.nudge();

    await sentinel(c, 'concurrent-sentinel');
    expect(seenOf('concurrent').map((e) => e.data.doc)).toEqual([ids[0]]);
    await c.relay.stop();
  });
});

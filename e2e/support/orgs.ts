import type { MongoClient } from 'mongodb';
import { api, dbOf, e2e, eventually, kafka, tokenFor, uniqueId } from './env.js';

/** A small city of the test's own (unique ids and codes), built through the gateway. */
export async function buildCity(counties: string[]) {
  const cityId = uniqueId('city');
  const admin = await tokenFor(cityId, ['city-admin']);
  const ok = async (method: string, path: string, body: unknown, status = 201) => {
    const res = await api(method, path, { token: admin, body });
    if (res.status !== status) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  await ok('POST', '/api/v1/org-units', {
    id: cityId,
    code: cityId.toUpperCase(),
    name: '测试市教育局',
    kind: 'city-bureau',
    parentId: null,
  });
  const countyIds: Record<string, string> = {};
  for (const c of counties) {
    countyIds[c] = `${cityId}-${c}`;
    await ok('POST', '/api/v1/org-units', {
      id: countyIds[c],
      code: `${c.toUpperCase()}-EDU`,
      name: `${c}区教育局`,
      kind: 'county-bureau',
      parentId: cityId,
    });
  }
  return { cityId, admin, countyIds, ok };
}

/** Waits until org-registry has published everything it queued (every outbox in its database empty). */
export async function outboxesDrained(client: MongoClient) {
  const db = client.db(dbOf('org-registry'));
  await eventually(
    'org-registry outboxes to drain',
    async () => {
      for (const name of ['org_units', 'party_orgs', 'members', 'contact_points', 'milestone_rule_sets']) {
        if ((await db.collection(name).countDocuments({ 'outbox.0': { $exists: true } })) > 0) return null;
      }
      return true;
    },
    60_000,
  );
}

export interface ReadRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string;
  headers: Record<string, string>;
  value: Record<string, unknown>;
  raw: string;
}

/**
 * Reads topics from the beginning with a fresh consumer group up to the end offsets they have now
 * (taken after the writes were published), so the read is complete without waiting on a clock.
 */
export async function readToEnd(topics: string[], keep: (r: ReadRecord) => boolean = () => true): Promise<ReadRecord[]> {
  const client = kafka();
  const admin = client.admin();
  await admin.connect();
  const ends = new Map<string, Map<number, bigint>>();
  for (const topic of topics) {
    ends.set(topic, new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)])));
  }
  await admin.disconnect();
  const pending = new Set<string>();
  for (const [topic, parts] of ends) for (const [p, high] of parts) if (high > 0n) pending.add(`${topic}/${p}`);
  const out: ReadRecord[] = [];
  const seen = new Set<string>();
  const consumer = client.consumer({ groupId: uniqueId(`${e2e.run}-reader`), maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      const raw = message.value?.toString() ?? '';
      const r: ReadRecord = {
        topic,
        partition,
        offset: message.offset,
        key: message.key?.toString() ?? '',
        headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, v?.toString() ?? ''])),
        value: raw ? (JSON.parse(raw) as Record<string, unknown>) : {},
        raw,
      };
      // Delivery is at least once (the relay re-sends after a failed acknowledgement): keep one per ce_id.
      if (keep(r) && !seen.has(r.headers['ce_id'] ?? '')) {
        seen.add(r.headers['ce_id'] ?? '');
        out.push(r);
      }
      if (BigInt(message.offset) + 1n >= (ends.get(topic)?.get(partition) ?? 0n)) pending.delete(`${topic}/${partition}`);
      return Promise.resolve();
    },
  });
  try {
    await eventually('the topics to be read to their end offsets', () => Promise.resolve(pending.size === 0 ? true : null), 90_000);
  } finally {
    await consumer.disconnect();
  }
  return out;
}

import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from '@jest/globals';
import { Agent, request } from 'undici';
import { AuditWriteRecordedV1, Topics, problemTypeUrl } from '@pb/contracts';
import { gatewayEnv, serviceEnv } from '@pb/platform';
import { dbOf, e2e, eventually, kafka, mongo, tokenFor, uniqueId } from './support/env.js';
import { buildCity, readToEnd } from './support/orgs.js';

/** The service's variables come only from `env`, never from the test runner's own environment. */
const serviceVariables = { ...serviceEnv, ...gatewayEnv };
const DRAIN_MS = 3_000;
/** The contract is "exit within 10 s"; the wait is generous so a slow machine shows as a failed exit code, not a hang. */
const EXIT_WAIT_MS = 20_000;

function startGateway(env: Record<string, string>) {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !(k in serviceVariables)));
  const child = spawn(process.execPath, ['apps/gateway/dist/main.js'], {
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, out: () => out };
}

interface Outcome {
  afterSigterm: boolean;
  status?: number;
  error?: string;
}

/**
 * docs/adr/0024, in one process under load: a second gateway (its own port, database and consumer
 * group, reading the audit topic from the beginning) gets SIGTERM while requests are in flight and
 * its consumer is applying audit records.
 */
describe('SIGTERM under load', () => {
  it('fails readiness, keeps answering for the drain, answers every request it accepted, commits exactly what it applied, exits 0', async () => {
    const port = Number(process.env['E2E_SPARE_PORT'] ?? '3110') + 1;
    const base = `http://127.0.0.1:${port}`;
    const groupId = uniqueId(`gateway-sigterm-${e2e.run}`);
    const db = `${dbOf('gateway')}_sigterm`;
    const gw = startGateway({
      ...e2e.serviceEnvs['gateway'],
      HTTP_PORT: String(port),
      KAFKA_GROUP_ID: groupId,
      MONGODB_DB: db,
      SHUTDOWN_DRAIN_MS: String(DRAIN_MS),
      LOG_LEVEL: 'info',
    });
    const client = await mongo();
    try {
      await eventually(
        'the second gateway to be ready',
        async () => {
          try {
            return (await fetch(`${base}/health/ready`)).ok ? true : null;
          } catch {
            return null;
          }
        },
        90_000,
      );
      // Writes through the run's gateway: each one an audit record the second gateway's consumer applies.
      const city = await buildCity(['a', 'b', 'c']);
      const ledger = client.db(db).collection<{ _id: string; group: string; eventId: string; type: string }>('processed_events');
      await eventually('the consumer to apply audit records', async () =>
        (await ledger.countDocuments({ group: groupId, type: AuditWriteRecordedV1.type })) > 0 ? true : null,
      );

      const token = await tokenFor(city.cityId, ['city-admin']);
      const read = () => fetch(`${base}/api/v1/org-units/${city.cityId}`, { headers: { authorization: `Bearer ${token}` } });
      await eventually('the second gateway to know the city', async () => ((await read()).status === 200 ? true : null), 60_000);

      // Steady load on the second gateway: workers send the next request as soon as one is answered,
      // as a load balancer would until it has seen readiness fail (here: 1 s before the drain ends).
      const outcomes: Outcome[] = [];
      let sigtermAt = Infinity;
      const worker = async () => {
        while (Date.now() < sigtermAt + DRAIN_MS - 1_000) {
          const afterSigterm = Date.now() >= sigtermAt;
          try {
            const res = await read();
            await res.arrayBuffer();
            outcomes.push({ afterSigterm, status: res.status });
          } catch (err) {
            outcomes.push({ afterSigterm, error: (err as { cause?: { code?: string } }).cause?.code ?? String(err) });
          }
        }
      };
      const workers = Array.from({ length: 12 }, worker);
      // More writes meanwhile, so the consumer has records in hand when the signal comes.
      const writes = (async () => {
        for (let i = 0; i < 15 && Date.now() < sigtermAt + DRAIN_MS; i++) {
          await city.ok('POST', '/api/v1/org-units', {
            id: `${city.cityId}-s${i}`,
            code: `${city.cityId.toUpperCase()}-S${i}`,
            name: `学校 ${i}`,
            kind: 'school',
            parentId: city.countyIds['a'],
          });
        }
      })();
      await sleep(1_500);
      sigtermAt = Date.now();
      gw.child.kill('SIGTERM');

      // During the drain: not ready (problem+json), yet a request on a new connection is answered.
      await sleep(500);
      const fresh = new Agent({ pipelining: 0 });
      try {
        const ready = await request(`${base}/health/ready`, { dispatcher: fresh });
        expect(ready.statusCode).toBe(503);
        expect(ready.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(((await ready.body.json()) as { type: string }).type).toBe(problemTypeUrl('shuttingDown'));
        const during = await request(`${base}/api/v1/org-units/${city.cityId}`, {
          dispatcher: fresh,
          headers: { authorization: `Bearer ${token}` },
        });
        expect(during.statusCode).toBe(200);
        expect(during.headers['connection']).toBe('close');
        await during.body.dump();
      } finally {
        await fresh.close();
      }

      // A request still in flight when the listener closes: its body arrives slowly, until well after
      // the drain has ended. It is answered (the unit is created) before the process exits.
      await sleep(Math.max(0, sigtermAt + DRAIN_MS - 500 - Date.now()));
      const slowUnit = `${city.cityId}-slow`;
      const slowBody = JSON.stringify({
        id: slowUnit,
        code: slowUnit.toUpperCase(),
        name: '慢速上传',
        kind: 'school',
        parentId: city.countyIds['b'],
      });
      const slow = request(`${base}/api/v1/org-units`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${city.admin}`,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(slowBody)),
        },
        body: Readable.from(
          (async function* drip() {
            const bytes = Buffer.from(slowBody);
            const half = Math.floor(bytes.length / 2);
            yield bytes.subarray(0, half);
            await sleep(2_000); // the listener closes meanwhile
            yield bytes.subarray(half);
          })(),
        ),
      }).then(async (res) => ({ status: res.statusCode, closeAfter: res.headers['connection'], body: await res.body.text() }));

      const exit = await Promise.race([gw.exited, sleep(EXIT_WAIT_MS).then(() => 'still running' as const)]);
      await Promise.all(workers);
      await writes;
      const slowAnswer = await slow;
      expect(slowAnswer).toMatchObject({ status: 201, closeAfter: 'close' });
      // Exit code 0: the graceful path ended (the hard stop at 9.5 s exits with 1).
      expect(exit).toEqual({ code: 0, signal: null });
      expect(gw.out()).toMatch(/SIGTERM received, shutting down/);
      expect(gw.out()).toMatch(/stopped in \d+ ms/);

      // Every request the gateway accepted got an answer, also those after SIGTERM.
      expect(outcomes.filter((o) => o.error !== undefined || (o.status ?? 0) >= 500)).toEqual([]);
      expect(outcomes.filter((o) => o.afterSigterm && o.status === 200).length).toBeGreaterThan(0);

      // The group's committed offsets cover exactly the records it applied: a restart (the next owner
      // of the partitions) resumes after the last applied record, neither applying one twice nor skipping one.
      const admin = kafka().admin();
      await admin.connect();
      const committed = new Map<number, bigint>();
      try {
        const [offsets] = await admin.fetchOffsets({ groupId, topics: [Topics.auditWrites] });
        for (const p of offsets?.partitions ?? []) committed.set(p.partition, BigInt(p.offset));
      } finally {
        await admin.disconnect();
      }
      const applied = new Set((await ledger.find({ group: groupId, type: AuditWriteRecordedV1.type }).toArray()).map((doc) => doc.eventId));
      const records = await readToEnd([Topics.auditWrites], (r) => r.headers['ce_type'] === AuditWriteRecordedV1.type);
      const mismatched = records
        .map((r) => ({
          id: r.headers['ce_id'] ?? '',
          at: `${r.partition}@${r.offset}`,
          applied: applied.has(r.headers['ce_id'] ?? ''),
          committed: BigInt(r.offset) < (committed.get(r.partition) ?? -1n),
        }))
        .filter((r) => r.applied !== r.committed);
      expect(applied.size).toBeGreaterThan(0);
      expect(mismatched).toEqual([]);
      // The ledger holds one application per event.
      expect(await ledger.countDocuments({ group: groupId, type: AuditWriteRecordedV1.type })).toBe(applied.size);
    } finally {
      if (gw.child.exitCode === null && gw.child.signalCode === null) gw.child.kill('SIGKILL');
      await client.close();
    }
  }, 240_000);
});

import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Kafka, logLevel } from 'kafkajs';
import { kafkaAuthOf } from '@pb/messaging';
import { DateTime } from 'luxon';
import {
  domainServiceModule,
  loadConfig,
  OrgUnitDirectory,
  runService,
  serviceEnv,
  signInternalToken,
  type DomainServiceDefinition,
  type Identity,
  type OrgUnitKind,
  type Role,
} from '@pb/platform';

/** An identity as the gateway forwards it: `acct-<unit>` unless another account is named. */
export const identity = (orgUnitId: string, roles: Role[], sub = `acct-${orgUnitId}`): Identity => ({ sub, orgUnitId, roles });

export type Method = 'GET' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each spec reads the answer it expects
  body: any;
}

/** A domain service booted in the test process against the real broker and store, on an ephemeral port. */
export interface ServiceUnderTest {
  app: NestFastifyApplication;
  /** One HTTP request as `who` (the gateway's signed identity header); a Buffer body is sent as a file (text/csv), another as JSON; a JSON answer is parsed. */
  call(who: Identity, method: Method, url: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
}

/**
 * Boots `service` with its own database (`db`) and consumer group, the internal-token secret of this
 * test file and quiet logs (IT_LOG_LEVEL to see them).
 */
export async function startService(
  definition: DomainServiceDefinition,
  options: { db: string; groupId?: string; secret?: string },
): Promise<ServiceUnderTest> {
  const secret = options.secret ?? randomBytes(32).toString('base64url');
  const config = loadConfig(serviceEnv, {
    ...process.env,
    HTTP_PORT: '1', // not used: the test listens on an ephemeral port
    MONGODB_DB: options.db,
    ...(options.groupId ? { KAFKA_GROUP_ID: options.groupId } : {}),
    INTERNAL_AUTH_SECRET: secret,
    LOG_LEVEL: process.env['IT_LOG_LEVEL'] ?? 'warn',
  });
  const app = await runService(domainServiceModule(definition, config), {
    service: definition.service,
    host: '127.0.0.1',
    port: 0,
    consume: definition.consume,
  });
  async function call(who: Identity, method: Method, url: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await app
      .getHttpAdapter()
      .getInstance()
      .inject({
        method,
        url,
        headers: {
          'x-pb-identity': await signInternalToken(who, secret),
          // A Buffer is a file as it is (an upload: text/csv unless `headers` say otherwise), anything else JSON.
          ...(body ? { 'content-type': Buffer.isBuffer(body) ? 'text/csv' : 'application/json' } : {}),
          ...headers,
        },
        ...(body ? { payload: Buffer.isBuffer(body) ? body : JSON.stringify(body) } : {}),
      });
    const parsed: unknown = res.body ? (res.headers['content-type']?.includes('json') ? JSON.parse(res.body) : res.body) : undefined;
    const answer: Answer = { status: res.statusCode, headers: res.headers, body: parsed };
    return answer;
  }
  return { app, call };
}

/**
 * A kafkajs client of the tier's broker for a spec's own probes and producers: KAFKA_BROKERS and the
 * credentials the tier's globalSetup set (KAFKA_SASL_*: the local broker's super user, docs/adr/0025).
 */
export function testKafka(clientId: string): Kafka {
  return new Kafka({
    clientId,
    brokers: (process.env['KAFKA_BROKERS'] ?? '').split(','),
    ...kafkaAuthOf(process.env),
    logLevel: logLevel.NOTHING,
  });
}

/**
 * Starts consumer group `groupId` at the end of those of `topics` that exist: history from other runs
 * on the same broker is not this test's.
 */
export async function startAtEnd(groupId: string, topics: string[]): Promise<void> {
  const admin = testKafka(groupId).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    for (const topic of topics.filter((t) => existing.has(t))) await admin.resetOffsets({ groupId, topic, earliest: false });
  } finally {
    await admin.disconnect();
  }
}

/** Polls `probe` until it returns a value other than undefined/null/false, or fails after `timeoutMs`. */
export async function eventually<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== null && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Seeds the service's org-unit read model with one unit at `path` (its last id), as the state topic would. */
export function seedUnit(app: NestFastifyApplication, unit: { path: string[]; kind: OrgUnitKind; name?: string; code?: string }) {
  const unitId = unit.path.at(-1)!;
  return app.get(OrgUnitDirectory).apply(
    {
      unitId,
      code: unit.code ?? unitId,
      name: unit.name ?? unitId,
      kind: unit.kind,
      parentId: unit.path.at(-2) ?? null,
      path: unit.path,
      level: unit.path.length - 1,
      version: 1,
    },
    `seed-${unitId}`,
  );
}

/** The instant of a wall-clock time in the city (Asia/Shanghai), e.g. `shanghai('2031-03-01T08:00')`. */
export const shanghai = (iso: string): Date => DateTime.fromISO(iso, { zone: 'Asia/Shanghai' }).toJSDate();

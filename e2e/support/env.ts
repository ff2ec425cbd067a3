import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { brokerAuthOf, signAccessToken, type Role } from '@pb/platform';
import { recordConformance } from './openapi-conformance.js';

/** What e2e/setup.mjs started: the gateway URL, the secret its tokens are signed with, each service's env. */
export const e2e = {
  run: process.env['E2E_RUN'] ?? '',
  gateway: process.env['E2E_GATEWAY_URL'] ?? '',
  authSecret: process.env['E2E_AUTH_JWT_SECRET'] ?? '',
  serviceEnvs: JSON.parse(process.env['E2E_SERVICE_ENVS'] ?? '{}') as Record<string, Record<string, string>>,
  /** The bootstrap city administrator of this run (user, password, org unit). */
  admin: JSON.parse(process.env['E2E_ADMIN'] ?? '{}') as { username: string; password: string; orgUnitId: string },
  kafkaBrokers: (process.env['KAFKA_BROKERS'] ?? '').split(','),
  mongodbUri: process.env['MONGODB_URI'] ?? '',
};

export function uniqueId(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export function tokenFor(orgUnitId: string, roles: Role[], sub = uniqueId('acct')): Promise<string> {
  return signAccessToken({ sub, orgUnitId, roles }, e2e.authSecret);
}

export interface ApiOptions {
  token?: string;
  apiKey?: string;
  body?: unknown;
  /** A file sent as it is (an upload route), with its media type, instead of a JSON body. */
  file?: { bytes: Buffer; contentType: string };
  headers?: Record<string, string>;
  /** Another gateway (a replica) instead of the run's. */
  base?: string;
}

/**
 * A request to the gateway (or a replica). Each answer is checked against the gateway's OpenAPI
 * document (status, content type, body against the schema); what breaks it fails the test after it
 * ends (support/conformance-hook.ts). `bytes` is the body exactly as sent (a CSV's BOM included).
 */
export async function api(method: string, path: string, options: ApiOptions = {}) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  if (options.apiKey) headers['x-api-key'] = options.apiKey;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.file) headers['content-type'] = options.file.contentType;
  const base = options.base ?? e2e.gateway;
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    ...(options.file ? { body: options.file.bytes } : options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  const text = bytes.toString('utf8');
  const contentType = res.headers.get('content-type');
  const json = /json/.test(contentType ?? '');
  const body: unknown = text ? (json ? (JSON.parse(text) as unknown) : { text }) : undefined;
  await recordConformance(base, { method, path, status: res.status, contentType, body: json ? body : text || undefined });
  return { status: res.status, headers: res.headers, body: body as Record<string, unknown>, bytes };
}

export function mongo(): Promise<MongoClient> {
  return MongoClient.connect(e2e.mongodbUri);
}

/** A client of the e2e broker as the tier's super user (KAFKA_SASL_* set by globalSetup), or as `auth` (docs/adr/0025). */
export function kafka(auth: Record<string, string | undefined> = process.env): Kafka {
  return new Kafka({ clientId: `e2e-${e2e.run}`, brokers: e2e.kafkaBrokers, ...brokerAuthOf(auth), logLevel: logLevel.NOTHING });
}

/** The database name a service got in this run. */
export function dbOf(service: string): string {
  const name = e2e.serviceEnvs[service]?.['MONGODB_DB'];
  if (!name) throw new Error(`no database for ${service}`);
  return name;
}

/** Polls until `probe` returns a value (not undefined/null), or fails after `timeoutMs` with `what`. */
export async function eventually<T>(what: string, probe: () => Promise<T | null | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface Tokens {
  accessToken: string;
  refreshToken: string;
}

/** Logs in through the gateway; fails the test on anything but 200. */
export async function login(username: string, password: string, base?: string): Promise<Tokens> {
  const res = await api('POST', '/api/v1/auth/login', { body: { username, password }, ...(base ? { base } : {}) });
  if (res.status !== 200) throw new Error(`login of ${username} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as unknown as Tokens;
}

/** Waits until the gateway's org-tree read model knows a unit (it follows org-registry's events). */
export async function untilGatewayKnows(unitId: string, cityAdminToken: string): Promise<void> {
  await eventually(
    `the gateway to learn org unit ${unitId}`,
    async () => {
      const res = await api('GET', `/api/v1/api-keys?unit=${encodeURIComponent(unitId)}&limit=1`, { token: cityAdminToken });
      return res.status === 200 ? true : null;
      // A fresh consumer group reads the shared topics from the beginning: on a long-lived local broker that is a backlog.
    },
    180_000,
  );
}

/** Creates org units through the gateway, in order (parent first), and waits until the gateway's read model has them. */
export async function createUnits(
  token: string,
  units: readonly (readonly [id: string, kind: string, parentId: string | null])[],
): Promise<void> {
  for (const [id, kind, parentId] of units) {
    const res = await api('POST', '/api/v1/org-units', { token, body: { id, code: id.toUpperCase(), name: `单位 ${id}`, kind, parentId } });
    if (res.status !== 201) throw new Error(`fixture unit ${id}: ${res.status} ${JSON.stringify(res.body)}`);
  }
  for (const [id, , parentId] of units) if (parentId !== null) await untilGatewayKnows(id, token);
}

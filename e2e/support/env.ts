import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { signAccessToken, type Role } from '@pb/platform';

/** What e2e/setup.mjs started: the gateway URL, the secret its tokens are signed with, each service's env. */
export const e2e = {
  run: process.env['E2E_RUN'] ?? '',
  gateway: process.env['E2E_GATEWAY_URL'] ?? '',
  authSecret: process.env['E2E_AUTH_JWT_SECRET'] ?? '',
  serviceEnvs: JSON.parse(process.env['E2E_SERVICE_ENVS'] ?? '{}') as Record<string, Record<string, string>>,
  kafkaBrokers: (process.env['KAFKA_BROKERS'] ?? '').split(','),
  mongodbUri: process.env['MONGODB_URI'] ?? '',
};

export function uniqueId(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export function tokenFor(orgUnitId: string, roles: Role[], sub = uniqueId('acct')): Promise<string> {
  return signAccessToken({ sub, orgUnitId, roles }, e2e.authSecret);
}

export async function api(method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${e2e.gateway}${path}`, {
    method,
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> };
}

export function mongo(): Promise<MongoClient> {
  return MongoClient.connect(e2e.mongodbUri);
}

export function kafka(): Kafka {
  return new Kafka({ clientId: `e2e-${e2e.run}`, brokers: e2e.kafkaBrokers, logLevel: logLevel.NOTHING });
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

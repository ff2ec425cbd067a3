import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { api, e2e, uniqueId } from './support/env.js';

interface SeedAccount {
  username: string;
  role: string;
  orgUnitId: string;
  password: string | null;
}
interface SeedResult {
  city: { city: { id: string }; schools: { id: string }[] };
  accounts: SeedAccount[];
  accountsFile: string;
}
type Seed = (options: Record<string, unknown>) => Promise<SeedResult>;

const seedModule = pathToFileURL(path.resolve(process.cwd(), 'tools', 'seed', 'seed.mjs')).href;

async function login(account: SeedAccount): Promise<string> {
  const res = await api('POST', '/api/v1/auth/login', { body: { username: account.username, password: account.password } });
  expect(res.status).toBe(200);
  return res.body['accessToken'] as string;
}

/**
 * In front of the gateway: every tenth request is answered 429 with `Retry-After: 1`, as the gateway
 * does when one account goes over RATE_LIMIT_PER_MINUTE (which the e2e gateway raises); the others
 * pass through. Counts what it passed and refused.
 */
async function rateLimitingProxy(gateway: string) {
  const stats = { requests: 0, refused: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const n = ++stats.requests;
      if (n % 10 === 0) {
        stats.refused++;
        res.writeHead(429, { 'retry-after': '1', 'content-type': 'application/problem+json' });
        res.end(JSON.stringify({ type: 'https://partybuilding.edu.cn/problems/rate-limited', title: 'Too many requests', status: 429 }));
        return;
      }
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(([k]) => ['authorization', 'content-type', 'accept-language'].includes(k)),
      ) as Record<string, string>;
      const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
      fetch(`${gateway}${req.url}`, { method: req.method!, headers, ...(body ? { body } : {}) })
        .then(async (up) => {
          res.writeHead(up.status, { 'content-type': up.headers.get('content-type') ?? 'application/json' });
          res.end(Buffer.from(await up.arrayBuffer()));
        })
        .catch(() => {
          res.writeHead(502);
          res.end();
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, stats, close: () => new Promise((r) => server.close(r)) };
}

// `npm start` seeds the demo city on its first run: a small one here, through this run's gateway.
describe('the demo city seed', () => {
  let seed: Seed;
  let first: SeedResult;
  let limited: Awaited<ReturnType<typeof rateLimitingProxy>>;
  const outDir = mkdtempSync(path.join(tmpdir(), 'pb-seed-'));
  const cityId = uniqueId('democity');
  const options = (gateway = e2e.gateway) => ({
    gateway,
    schools: 6,
    counties: 2,
    members: 1,
    secret: e2e.authSecret,
    cityId,
    outDir,
    say: () => undefined,
  });

  beforeAll(async () => {
    seed = ((await import(seedModule)) as { seed: Seed }).seed;
    // The first run goes through a gateway that holds the seeding account to a rate limit.
    limited = await rateLimitingProxy(e2e.gateway);
    try {
      first = await seed(options(limited.url));
    } finally {
      await limited.close();
    }
  }, 240_000);
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it("waits as told when the gateway's rate limit answers 429, and still seeds everything", () => {
    expect(limited.stats.refused).toBeGreaterThan(0);
    expect(first.city.schools).toHaveLength(6);
    // The checks below find every account and school in place.
  });

  it('creates an account for every role, each of which logs in and sees itself', async () => {
    expect(new Set(first.accounts.map((a) => a.role))).toEqual(
      new Set(['city-admin', 'county-admin', 'school-secretary', 'inspector', 'analyst']),
    );
    for (const account of first.accounts) {
      const token = await login(account);
      const me = await api('GET', '/api/v1/accounts/me', { token });
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ orgUnitId: account.orgUnitId, roles: [account.role], via: 'token' });
    }
  });

  it("keeps the passwords out of the repository's files, readable by the owner only", () => {
    expect(statSync(first.accountsFile).mode & 0o777).toBe(0o600);
    expect(path.dirname(first.accountsFile)).toBe(outDir);
  });

  it("gives a school secretary its own school and answers 404 for another's", async () => {
    const secretary = first.accounts.find((a) => a.role === 'school-secretary')!;
    const token = await login(secretary);
    expect((await api('GET', `/api/v1/org-units/${secretary.orgUnitId}`, { token })).status).toBe(200);
    const other = first.city.schools.find((s) => s.id !== secretary.orgUnitId)!;
    expect((await api('GET', `/api/v1/org-units/${other.id}`, { token })).status).toBe(404);
  });

  it('runs again without creating anything twice, and the passwords still work', async () => {
    const again = await seed(options());
    expect(again.accounts.map((a) => [a.username, a.password])).toEqual(first.accounts.map((a) => [a.username, a.password]));
    const admin = again.accounts.find((a) => a.role === 'city-admin')!;
    const token = await login(admin);
    const children = await api('GET', `/api/v1/org-units/${cityId}/children?limit=100`, { token });
    expect(children.status).toBe(200);
    const ids = (children.body['items'] as { id: string }[]).map((u) => u.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

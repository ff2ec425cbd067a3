#!/usr/bin/env node
// `npm run seed [-- --schools N --counties N --gateway URL --members N]`: creates the demo city through
// the running gateway (every write goes through org-registry's API, so every event is published),
// with progress output, then an account for every role (password login) and how to log in. Idempotent: a city that is
// already complete is left alone; a half-seeded one is completed (existing ids count as done).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensureNode24, ROOT } from '../scripts/node24.mjs';

ensureNode24(new URL(import.meta.url).pathname);

const { generateCity } = await import('./generator.mjs');

export function parseArgs(argv) {
  const opts = {};
  for (let i = 0; i < argv.length; i++) {
    const [k, v] = argv[i].startsWith('--') && argv[i].includes('=') ? argv[i].slice(2).split('=') : [argv[i].slice(2), argv[i + 1]];
    if (!argv[i].includes('=')) i++;
    opts[k] = v;
  }
  return opts;
}

async function signer(secret) {
  const secretsFile = path.join(ROOT, '.local', 'secrets.json');
  if (!secret && !existsSync(secretsFile)) throw new Error('no .local/secrets.json: start the platform with npm start first');
  const AUTH_JWT_SECRET = secret ?? JSON.parse(readFileSync(secretsFile, 'utf8')).AUTH_JWT_SECRET;
  const { signAccessToken } = await import('../../libs/platform/dist/auth/identity.js');
  return (identity, ttl = 12 * 3600) =>
    signAccessToken({ sub: identity.sub, orgUnitId: identity.orgUnitId, roles: [identity.role] }, AUTH_JWT_SECRET, ttl);
}

/** Runs `work` over `items` with `width` requests in flight (one: FerretDB stalls under concurrent writers to one database); reports progress every tenth. */
async function each(label, items, work, say, width = 1) {
  let done = 0;
  let next = 0;
  let shown = 0;
  const total = items.length;
  const report = () => {
    const tenth = Math.floor((done * 10) / Math.max(total, 1));
    if (tenth > shown || done === total) {
      shown = tenth;
      say(`  ${label.padEnd(24)} ${String(done).padStart(6)}/${total}`);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(width, total) }, async () => {
      while (next < total) {
        const item = items[next++];
        await work(item);
        done++;
        report();
      }
    }),
  );
  if (total === 0) say(`  ${label.padEnd(24)}      0/0`);
}

/**
 * Seeds the demo city through `gateway`. `secret` signs the seeding administrator's token (default:
 * the local one in .local/secrets.json), `cityId` names the city (default `city`), `outDir` receives
 * demo-accounts.json and demo-identities.json (default `.local`).
 */
export async function seed({
  gateway,
  schools = 100,
  counties = 3,
  members,
  districtSize = 0,
  secret,
  cityId,
  outDir = path.join(ROOT, '.local'),
  say = (m) => process.stdout.write(`${m}\n`),
} = {}) {
  const sign = await signer(secret);
  const city = generateCity({
    schools,
    counties,
    districtSize,
    ...(cityId ? { cityId } : {}),
    ...(members !== undefined ? { members: members === 0 ? false : members } : {}),
  });
  const admin = await sign({ sub: 'demo-seed', orgUnitId: city.city.id, role: 'city-admin' });
  let rateLimited = false;
  const call = async (method, url, body, okStatuses = [200, 201]) => {
    for (let attempt = 1; ; attempt++) {
      const res = await fetch(`${gateway}${url}`, {
        method,
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json', 'accept-language': 'en' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      if (okStatuses.includes(res.status)) return { status: res.status, body: text ? JSON.parse(text) : undefined };
      // The tree lease answers 503 while another change holds it: wait and retry.
      if (res.status === 503 && attempt < 20) {
        await new Promise((r) => setTimeout(r, 250 * attempt));
        continue;
      }
      // The seeding account is held to the gateway's per-account rate (RATE_LIMIT_PER_MINUTE, 600 by
      // default) like any client: wait as long as Retry-After says, then go on.
      if (res.status === 429 && attempt < 20) {
        const seconds = Math.max(1, Number(res.headers.get('retry-after')) || 1);
        if (!rateLimited) say(`  (the gateway's rate limit for one account: waiting ${seconds} s when it says so)`);
        rateLimited = true;
        await new Promise((r) => setTimeout(r, seconds * 1000));
        continue;
      }
      throw new Error(`${method} ${url}: ${res.status} ${text}`);
    }
  };
  const lastCp = city.contactPoints.at(-1)?.body.id;
  const exists = (await call('GET', `/api/v1/org-units/${city.city.id}`, undefined, [200, 404])).status === 200;
  const complete = exists && (!lastCp || (await call('GET', `/api/v1/contact-points/${lastCp}`, undefined, [200, 404])).status === 200);
  if (complete) {
    say(`the demo city ${city.city.id} is already seeded; nothing to do`);
  } else {
    const t0 = Date.now();
    say(
      `seeding the demo city (${city.schools.length} schools, ${counties} counties) through ${gateway}${exists ? ', completing a partial seed' : ''}:`,
    );
    await call('POST', '/api/v1/org-units', city.city, [201, 409]);
    say(`  ${'city bureau'.padEnd(24)}      1/1`);
    const batches = [];
    for (let i = 0; i < city.units.length; i += 1000) batches.push(city.units.slice(i, i + 1000));
    await each('org units (batches)', batches, (units) => call('POST', '/api/v1/org-units/batch', { units }), say, 1);
    await each('party organisations', city.partyOrgs, (p) => call('POST', '/api/v1/party-orgs', p, [201, 409]), say);
    await each('members', city.members, (m) => call('POST', `/api/v1/party-orgs/${m.partyOrgId}/members`, m.body, [201, 409]), say);
    await each(
      'contact points',
      city.contactPoints,
      async (cp) => {
        const res = await call('POST', '/api/v1/contact-points', cp.body, [201, 409]);
        if (res.status === 201) for (const v of cp.visits) await call('POST', `/api/v1/contact-points/${cp.body.id}/visits`, v);
      },
      say,
    );
    say(`seeded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  const accountsFile = path.join(outDir, 'demo-accounts.json');
  const accounts = await seedAccounts(city.identities, call, accountsFile, say);
  const identities = [];
  for (const id of city.identities) identities.push({ ...id, token: await sign(id) });
  const file = path.join(outDir, 'demo-identities.json');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(identities, null, 2), { mode: 0o600 });
  return { city, identities, file, accounts, accountsFile };
}

/**
 * One real account per demo identity (username = the identity's `sub`), with a password generated
 * on this machine and kept in `.local/demo-accounts.json` (git-ignored, mode 600), so `POST
 * /api/v1/auth/login` works. An account that already exists keeps its password.
 */
async function seedAccounts(identities, call, file, say) {
  const known = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const accounts = [];
  for (const id of identities) {
    const password = known[id.sub] ?? randomBytes(12).toString('base64url');
    const body = { username: id.sub, displayName: id.label, orgUnitId: id.orgUnitId, roles: [id.role], password };
    // The gateway's org tree follows the registry's events: a unit seeded a moment ago may not be there yet.
    let res;
    for (let attempt = 1; ; attempt++) {
      res = await call('POST', '/api/v1/accounts', body, [201, 404, 409]);
      if (res.status !== 404 || attempt === 40) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    if (res.status === 404) throw new Error(`account ${id.sub}: the gateway does not know org unit ${id.orgUnitId} yet`);
    if (res.status === 201 || known[id.sub]) known[id.sub] = password;
    accounts.push({ username: id.sub, role: id.role, orgUnitId: id.orgUnitId, label: id.label, password: known[id.sub] ?? null });
  }
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(known, null, 2), { mode: 0o600 });
  say(`  ${'accounts'.padEnd(24)} ${String(accounts.length).padStart(6)}/${accounts.length}`);
  return accounts;
}

/** How to log in: the demo accounts (password login), and ready-made tokens for scripts. */
export function loginHelp({ identities, file, accounts, accountsFile }, gateway, say = (m) => process.stdout.write(`${m}\n`)) {
  say('');
  say(`demo accounts (passwords generated on this machine, in ${path.relative(process.cwd(), accountsFile)}):`);
  for (const a of accounts) say(`  ${a.username.padEnd(26)} ${a.role.padEnd(17)} ${a.orgUnitId.padEnd(24)} ${a.label}`);
  say(`log in as any of them with POST ${gateway}/api/v1/auth/login {"username","password"} (example below).`);
  say(
    `ready-made access tokens for every demo identity (valid 12 h) are in ${path.relative(process.cwd(), file)}; ${identities.length} identities.`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const opts = parseArgs(process.argv.slice(2));
  const base = Number(process.env.PLATFORM_PORT_BASE ?? 3000);
  const gateway = opts.gateway ?? process.env.SEED_GATEWAY_URL ?? `http://localhost:${base}`;
  try {
    const result = await seed({
      gateway,
      schools: Number(opts.schools ?? 100),
      counties: Number(opts.counties ?? 3),
      districtSize: Number(opts['district-size'] ?? 0),
      ...(opts.members !== undefined ? { members: Number(opts.members) } : Number(opts.schools ?? 100) > 1000 ? { members: 0 } : {}),
    });
    loginHelp(result, gateway);
  } catch (err) {
    const cause = err instanceof Error ? err.message : String(err);
    process.stderr.write(
      `npm run seed: ${/fetch failed|ECONNREFUSED/.test(cause) ? `no gateway at ${gateway}; start the platform with npm start (it seeds on its first run)` : cause}\n`,
    );
    process.exit(1);
  }
}

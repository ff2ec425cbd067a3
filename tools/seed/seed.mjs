#!/usr/bin/env node
// `npm run seed [-- --schools N --counties N --gateway URL --members N]`: creates the demo city through
// the running gateway (every write goes through org-registry's API, so every event is published),
// with progress output, then prints demo identities for every role. Idempotent: a city that is
// already complete is left alone; a half-seeded one is completed (existing ids count as done).
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

async function signer() {
  const secretsFile = path.join(ROOT, '.local', 'secrets.json');
  if (!existsSync(secretsFile)) throw new Error('no .local/secrets.json: start the platform with npm start first');
  const { AUTH_JWT_SECRET } = JSON.parse(readFileSync(secretsFile, 'utf8'));
  const { signAccessToken } = await import('../../libs/platform/dist/auth/identity.js');
  return (identity, ttl = 12 * 3600) => signAccessToken({ sub: identity.sub, orgUnitId: identity.orgUnitId, roles: [identity.role] }, AUTH_JWT_SECRET, ttl);
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

export async function seed({ gateway, schools = 100, counties = 3, members, districtSize = 0, say = (m) => process.stdout.write(`${m}\n`) } = {}) {
  const sign = await signer();
  const city = generateCity({ schools, counties, districtSize, ...(members !== undefined ? { members: members === 0 ? false : members } : {}) });
  const admin = await sign({ sub: 'demo-seed', orgUnitId: city.city.id, role: 'city-admin' });
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
    say(`seeding the demo city (${city.schools.length} schools, ${counties} counties) through ${gateway}${exists ? ', completing a partial seed' : ''}:`);
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
  const identities = [];
  for (const id of city.identities) identities.push({ ...id, token: await sign(id) });
  const file = path.join(ROOT, '.local', 'demo-identities.json');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(identities, null, 2), { mode: 0o600 });
  return { city, identities, file };
}

/** How to log in: demo tokens until real accounts arrive (issue 5). */
export function loginHelp({ identities, file }, gateway, say = (m) => process.stdout.write(`${m}\n`)) {
  say('');
  say('demo identities (access tokens valid 12 h, signed with the local secret in .local/secrets.json;');
  say('real accounts and login arrive with issue 5). All of them are in ' + path.relative(process.cwd(), file) + ':');
  for (const i of identities) say(`  ${i.role.padEnd(17)} ${i.orgUnitId.padEnd(24)} ${i.label}`);
  const admin = identities.find((i) => i.role === 'city-admin');
  say('');
  say('try, as the city administrator:');
  say(`  export TOKEN=$(node -e "console.log(require('./.local/demo-identities.json').find(i => i.role === 'city-admin').token)")`);
  say(`  curl -s ${gateway}/api/v1/org-units/${admin.orgUnitId}/children -H "authorization: Bearer $TOKEN"`);
  say('  (any other role: pick its token from the file the same way)');
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
    process.stderr.write(`npm run seed: ${/fetch failed|ECONNREFUSED/.test(cause) ? `no gateway at ${gateway}; start the platform with npm start (it seeds on its first run)` : cause}\n`);
    process.exit(1);
  }
}

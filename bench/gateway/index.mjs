// Gateway overhead (issue 5): an authenticated GET of the caller's own school through the gateway
// (bearer token verified, role checked, rate limit counted, the subtree rule checked on the unit the
// gateway kept from org-registry's last answer, else the identity re-signed and forwarded and
// org-registry answers; ORG_UNIT_CACHE_MS, docs/adr/0007) against the unauthenticated /health/live
// of the same gateway, in the same run, at the same concurrency. Goal: ratio at least 0.6.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { ensureInfra, stopInfra } from '../../deploy/local/infra.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function load(url, { connections, seconds, headers }) {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections, duration: seconds, headers }, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

const fmt = (r) =>
  `${r.requests.average.toFixed(0).padStart(6)} req/s  p50 ${String(r.latency.p50).padStart(3)} ms  p99 ${String(r.latency.p99).padStart(3)} ms  non-2xx ${r.non2xx}`;

export async function run(args) {
  const seconds = Number(args[0] ?? 5);
  const connections = Number(args[1] ?? 20);
  const rounds = Number(args[2] ?? 3);
  const { build } = await import('../../tools/scripts/build.mjs');
  const { spawnServices, stopServices, waitReady } = await import('../../tools/scripts/services.mjs');
  const { benchPlatform } = await import('../lib/platform.mjs');
  const { signAccessToken, signInternalToken, INTERNAL_IDENTITY_HEADER } = await import('../../libs/platform/dist/index.js');

  const infra = await ensureInfra({ log: (m) => process.stderr.write(`${m}\n`) });
  if (!build().ok) throw new Error('the TypeScript build failed');
  const runId = `bench${randomBytes(3).toString('hex')}`;
  const { ports, secrets, envs } = benchPlatform(infra, runId, 3700);
  const handles = spawnServices(envs, { logDir: path.join(ROOT, '.local', 'logs', runId) });
  try {
    await waitReady(handles, { timeoutMs: 120_000 });
    const gateway = `http://127.0.0.1:${ports.gateway}`;
    const city = `${runId}-city`;
    const school = `${runId}-school`;
    const admin = await signAccessToken({ sub: 'bench-admin', orgUnitId: city, roles: ['city-admin'] }, secrets.AUTH_JWT_SECRET);
    for (const [id, kind, parentId] of [
      [city, 'city-bureau', null],
      [school, 'school', city],
    ]) {
      const res = await fetch(`${gateway}/api/v1/org-units`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ id, code: id.toUpperCase(), name: id, kind, parentId }),
      });
      if (res.status !== 201) throw new Error(`fixture ${id}: ${res.status}`);
    }
    // A session id as a login gives: the gateway checks it against the revoked sessions (docs/adr/0017).
    const token = await signAccessToken(
      { sub: 'bench-secretary', orgUnitId: school, roles: ['school-secretary'], sid: `${runId}-session` },
      secrets.AUTH_JWT_SECRET,
      3600,
    );
    const own = `${gateway}/api/v1/org-units/${school}`;
    const check = await fetch(own, { headers: { authorization: `Bearer ${token}` } });
    if (check.status !== 200) throw new Error(`own school answered ${check.status}`);

    const opts = { connections, seconds };
    const auth = { authorization: `Bearer ${token}` };
    const internal = await signInternalToken(
      { sub: 'bench-secretary', orgUnitId: school, roles: ['school-secretary'] },
      secrets.INTERNAL_AUTH_SECRET,
      3600,
    );
    const targets = {
      base: [`${gateway}/health/live`, {}],
      authed: [own, auth],
      // Where the time goes: the gateway's own authentication, and the owning service read directly.
      authOnly: [`${gateway}/api/v1/accounts/me`, auth],
      direct: [`http://127.0.0.1:${ports['org-registry']}/api/v1/org-units/${school}`, { [INTERNAL_IDENTITY_HEADER]: internal }],
    };
    await load(targets.base[0], { ...opts, seconds: 2, headers: {} }); // warm-up
    await load(own, { ...opts, seconds: 2, headers: auth });
    // Interleaved rounds: a machine shared with other work slows every target alike within a round.
    const results = { base: [], authed: [], authOnly: [], direct: [] };
    for (let round = 0; round < rounds; round++) {
      for (const [name, [url, headers]] of Object.entries(targets)) results[name].push(await load(url, { ...opts, headers }));
    }
    const mid = (list) => [...list].sort((a, b) => a.requests.average - b.requests.average)[Math.floor(list.length / 2)];
    const base = mid(results.base);
    const authed = mid(results.authed);
    const authOnly = mid(results.authOnly);
    const direct = mid(results.direct);
    const ratios = results.authed.map((r, i) => r.requests.average / results.base[i].requests.average);
    const ratio = [...ratios].sort((a, b) => a - b)[Math.floor(ratios.length / 2)];
    const lines = [
      `gateway (${connections} connections, ${rounds} interleaved rounds of ${seconds} s, medians; Node ${process.versions.node}, store ${infra.mode})`,
      `  baseline  GET /health/live (no auth)          ${fmt(base)}`,
      `  measured  GET /api/v1/org-units/<own school>  ${fmt(authed)}`,
      `  ratio authenticated / health: ${ratio.toFixed(2)} (median of the rounds' ratios ${ratios.map((r) => r.toFixed(2)).join(', ')}; goal >= 0.6)`,
      'breakdown:',
      `  gateway auth only  GET /api/v1/accounts/me   ${fmt(authOnly)}  (ratio ${(authOnly.requests.average / base.requests.average).toFixed(2)})`,
      `  org-registry direct (no gateway)             ${fmt(direct)}`,
      `reproduce: npm run bench -- gateway ${seconds} ${connections} ${rounds}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await stopServices(handles);
    if (infra.started?.length) await stopInfra(infra.started);
  }
}

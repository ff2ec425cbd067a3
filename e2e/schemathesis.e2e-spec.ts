import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { encodeCursor, useCursorSecret, type CursorKey } from '@pb/platform';
import { ensureSchemathesis, SCHEMATHESIS_CONFIG } from './support/schemathesis.js';
import { api, createUnits, e2e, login, tokenFor, uniqueId } from './support/env.js';

// schemathesis (PyPI, pinned in tools/schemathesis/requirements.txt) fuzzes every operation of the
// gateway's OpenAPI document as a school secretary: no 5xx, no response breaking its declared
// schema, no request breaking the declared request schema accepted, valid requests not refused.
// Bounded so the run stays within about two minutes for every operation of the document.
const MAX_EXAMPLES = 6;

// Every operation of the document is under test; none is left out.

/** The lists of the document by owner, and the key shape of their cursors (an id; a time in ms and an id). */
const CURSORS: { service: string; paths: string; key: CursorKey }[] = [
  { service: 'notifications', paths: '^/api/v1/notifications/(inbox|delivery-log)$', key: [0, '0'] },
  { service: 'reporting', paths: '^/api/v1/reports/review-queue$', key: [0, '0'] },
  {
    service: 'org-registry',
    paths: '^/api/v1/(org-units/[^/]+/(children|subtree)|party-orgs/[^/]+/members|members/flagged)$',
    key: ['0'],
  },
  { service: 'gateway', paths: '^/api/v1/(audit|accounts|api-keys)$', key: ['0'] },
];

/** The run's configuration: the checked-in one plus, per list, a cursor its owner signed with this run's key. */
function runConfig(dir: string): string {
  const blocks = CURSORS.map(({ service, paths, key }) => {
    const env = e2e.serviceEnvs[service] ?? {};
    useCursorSecret(env['CURSOR_SECRET'] ?? env['INTERNAL_AUTH_SECRET'] ?? '', service);
    return `\n[[operations]]\ninclude-path-regex = "${paths}"\nparameters = { "query.cursor" = "${encodeCursor(key)}" }\n`;
  });
  const file = path.join(dir, 'schemathesis.toml');
  writeFileSync(file, readFileSync(SCHEMATHESIS_CONFIG, 'utf8') + blocks.join(''));
  return file;
}

describe('schemathesis against the gateway OpenAPI document', () => {
  let token = '';
  let bin = '';

  beforeAll(async () => {
    bin = ensureSchemathesis();
    const city = uniqueId('stcity');
    const school = uniqueId('stschool');
    const admin = await tokenFor(city, ['city-admin']);
    await createUnits(admin, [
      [city, 'city-bureau', null],
      [school, 'school', city],
    ]);
    const username = uniqueId('fuzz');
    const made = await api('POST', '/api/v1/accounts', {
      token: admin,
      body: { username, displayName: '模糊测试', orgUnitId: school, roles: ['school-secretary'], password: 'fuzzing-password-1' },
    });
    expect(made.status).toBe(201);
    token = (await login(username, 'fuzzing-password-1')).accessToken;
  }, 300_000);

  it('finds no server error, no schema-breaking response, no wrongly accepted or refused request', async () => {
    const reportDir = path.join(process.cwd(), '.local', 'schemathesis', e2e.run);
    mkdirSync(reportDir, { recursive: true });
    const args = [
      '--config-file',
      runConfig(reportDir),
      'run',
      `${e2e.gateway}/docs/openapi.json`,
      '--header',
      `Authorization: Bearer ${token}`,
      '--checks',
      'not_a_server_error,response_schema_conformance,negative_data_rejection,positive_data_acceptance',
      '--phases',
      'examples,coverage,fuzzing',
      '--max-examples',
      String(MAX_EXAMPLES),
      '--seed',
      '20261126',
      // One worker: with two, hypothesis 6.170 sometimes fails its own lambda-description cache
      // ("AST constructor recursion depth mismatch"), a tool error that is no finding about the API.
      '--workers',
      '1',
      '--request-timeout',
      '10',
      '--generation-database',
      'none',
      '--no-color',
      '--report',
      'junit',
      '--report-dir',
      reportDir,
    ];
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.once('exit', (c) => resolve({ code: c, output: out }));
    });
    // On failure the whole report is the message: which operation, which check, the curl to replay it.
    expect(code === 0 ? 'ok' : output.replaceAll(token, '<token>')).toBe('ok');
    expect(output).toMatch(/passed/);
  }, 240_000);
});

import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { encodeCursor, useCursorSecret, type CursorKey } from '@pb/platform';
import { ensureSchemathesis, operationsAnswered, SCHEMATHESIS_CONFIG } from './support/schemathesis.js';
import { api, createUnits, e2e, eventually, login, tokenFor, uniqueId } from './support/env.js';
import type { OpenApiDocument } from './support/openapi-conformance.js';

// schemathesis (PyPI, pinned in tools/schemathesis/requirements.txt) fuzzes every operation of the
// gateway's OpenAPI document as a school secretary: no 5xx, no response breaking its declared
// schema, no request breaking the declared request schema accepted, valid requests not refused.
// Then its stateful phase follows the document's links (apps/gateway/src/openapi-links.ts) from one
// answer to the next: your account -> your school -> its party organisation -> its members.
// Everything it reaches is this spec's own: a city, a school, a branch with a member, a contact point,
// a teacher enrolled in a programme of the school.
// Bounded so the run stays within about four minutes for every operation of the document.
const MAX_EXAMPLES = 10;
/**
 * Operations the stateful phase gets a 2xx from, by following the links: 12 with them (34 operations
 * called, 22 answering other than 401/403/404); 7 of 20 called without them (same data and key).
 * With the 16 training operations (issue 18) in the document the same seed's walk spreads over more
 * operations and reaches 8 (two of them, a programme's sessions after its creation, only by a link);
 * 100, 150 and 400 examples reach the same 8. Without the training routes it still reaches 12.
 */
const STATEFUL_REACH = 8;
const STATEFUL_EXAMPLES = 100;

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
  { service: 'evaluation', paths: '^/api/v1/evaluation/score-table$', key: ['0'] },
  { service: 'training', paths: '^/api/v1/training/(programmes|programmes/[^/]+/enrolments|schools/[^/]+/teachers)$', key: ['0'] },
  { service: 'training', paths: '^/api/v1/(cadres/(age-tiers|assignments)|training/imports/[^/]+/errors)$', key: ['0'] },
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
  let key = '';
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
    // The document offers an API key as the other way in, and schemathesis fills x-api-key in when
    // it is not given, which the gateway reads first (401): the school system's own key, same school.
    const issued = await api('POST', '/api/v1/api-keys', { token, body: { name: '模糊测试系统', orgUnitId: school } });
    expect(issued.status).toBe(201);
    key = issued.body['key'] as string;
    // What the stateful phase walks to: a branch of the school with a member, a contact point.
    const branch = uniqueId('stpo');
    const po = await api('POST', '/api/v1/party-orgs', {
      token: admin,
      body: {
        id: branch,
        unitId: school,
        kind: 'branch',
        name: '模糊测试党支部',
        principal: { name: '甲书记' },
        deputy: { name: '乙委员' },
      },
    });
    expect(po.status).toBe(201);
    const member = await api('POST', `/api/v1/party-orgs/${branch}/members`, {
      token: admin,
      body: {
        person: { name: '模糊党员', gender: 'female', birthDate: '1990-05-01' },
        milestones: [{ kind: 'application', date: '2024-03-01' }],
      },
    });
    expect(member.status).toBe(201);
    const point = await api('POST', '/api/v1/contact-points', {
      token: admin,
      body: { cadreAccountId: uniqueId('cadre'), cadreUnitId: city, schoolId: school, since: '2025-01-01' },
    });
    expect(point.status).toBe(201);
    // Training: a teacher of the school enrolled in a programme of the school, once training knows the school.
    const teacherId = await eventually('training to know the school', async () => {
      const res = await api('POST', `/api/v1/training/schools/${school}/teachers`, {
        token: admin,
        body: { name: '模糊教师', staffNumber: 'FUZZ01', subject: '语文', birthYear: 1990, partyMember: false },
      });
      return res.status === 201 ? (res.body['id'] as string) : null;
    });
    const programme = await api('POST', '/api/v1/training/programmes', {
      token: admin,
      body: {
        organiserId: school,
        title: '模糊测试培训',
        category: 'other',
        requiredHours: 4,
        year: 2027,
        term: 'spring',
        assessment: 'none',
        capacity: 100,
      },
    });
    expect(programme.status).toBe(201);
    const programmeId = programme.body['id'] as string;
    expect(
      (await api('POST', `/api/v1/training/programmes/${programmeId}/sessions`, { token: admin, body: { date: '2027-03-01', hours: 2 } }))
        .status,
    ).toBe(201);
    expect((await api('POST', `/api/v1/training/programmes/${programmeId}/enrolments`, { token: admin, body: { teacherId } })).status).toBe(
      201,
    );
  }, 300_000);

  /** One schemathesis run of some phases over the whole document; its HAR (every exchange) in `har`. */
  async function schemathesis(phases: string, maxExamples: number, har: string) {
    const reportDir = path.join(process.cwd(), '.local', 'schemathesis', e2e.run);
    mkdirSync(reportDir, { recursive: true });
    const args = [
      '--config-file',
      runConfig(reportDir),
      'run',
      `${e2e.gateway}/docs/openapi.json`,
      '--header',
      `Authorization: Bearer ${token}`,
      '--header',
      `x-api-key: ${key}`,
      '--checks',
      'not_a_server_error,response_schema_conformance,negative_data_rejection,positive_data_acceptance',
      '--phases',
      phases,
      '--max-examples',
      String(maxExamples),
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
      'junit,har',
      '--report-dir',
      reportDir,
      '--report-junit-path',
      path.join(reportDir, `${phases.replaceAll(',', '-')}.junit.xml`),
      '--report-har-path',
      path.join(reportDir, har),
    ];
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.once('exit', (c) => resolve({ code: c, output: out }));
    });
    // On failure the whole report is the message: which operation, which check, the curl to replay it.
    expect(code === 0 ? 'ok' : output.replaceAll(token, '<token>').replaceAll(key, '<key>')).toBe('ok');
    expect(output).toMatch(/passed/);
    return path.join(reportDir, har);
  }

  it('finds no server error, no schema-breaking response, no wrongly accepted or refused request', async () => {
    await schemathesis('examples,coverage,fuzzing', MAX_EXAMPLES, 'fuzzing.har.json');
  }, 420_000);

  it('follows the links of the document past 404 in the stateful phase, with the same checks', async () => {
    const har = await schemathesis('stateful', STATEFUL_EXAMPLES, 'stateful.har.json');
    const doc = (await (await fetch(`${e2e.gateway}/docs/openapi.json`)).json()) as OpenApiDocument;
    const reached = operationsAnswered(har, doc, (status) => status >= 200 && status < 300);
    process.stdout.write(`schemathesis stateful phase: a 2xx from ${reached.length} operations: ${reached.join(', ')}\n`);
    expect(reached.length).toBeGreaterThanOrEqual(STATEFUL_REACH);
  }, 300_000);
});

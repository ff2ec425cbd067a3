import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { ROLES, Routes, type RouteSpec } from '@pb/contracts';

// The README's table of the semi-monthly report routes says who may call each; this holds it to the
// roles the route table enforces (a gateway 403 for anyone else), and to the table's every route.

const README = readFileSync(path.join(process.cwd(), 'README.md'), 'utf8');

/** The rows of the markdown table that follows `heading`: its cells, header and rule left out. */
function tableAfter(heading: string): string[][] {
  const lines = README.slice(README.indexOf(heading)).split('\n');
  const first = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim()),
    );
  }
  return rows;
}

/** `GET /api/v1/x?a=` -> ['GET /api/v1/x']; `…/draft` continues the first row's path; `[.csv]` is both. */
function routesOf(cell: string, firstPath: string): string[] {
  const [, method, rawPath] = /^`(\w+) ([^`]+)`$/.exec(cell) ?? [];
  if (!method || !rawPath) throw new Error(`README route cell not understood: ${cell}`);
  const bare = rawPath.split('?')[0].replace(/^…/, firstPath);
  const optional = /^(.*)\[([^\]]+)\]$/.exec(bare);
  const paths = optional ? [optional[1], optional[1] + optional[2]] : [bare];
  return paths.map((p) => `${method} ${p}`);
}

function rolesOf(cell: string): string[] {
  if (/^every role/.test(cell)) return [...ROLES].sort();
  return [...cell.matchAll(/`([a-z-]+)`/g)].map((m) => m[1]).sort();
}

const byKey = new Map((Object.values(Routes) as RouteSpec[]).map((spec) => [`${spec.method} ${spec.path}`, spec]));
const rows = tableAfter('## Semi-monthly reports');
const firstPath = /`\w+ ([^`?]+)/.exec(rows[0][0])![1];
const listed = rows.flatMap(([route, who]) => routesOf(route, firstPath).map((key) => [key, rolesOf(who)] as const));

describe('README: who may call the semi-monthly report routes', () => {
  it.each(listed)('%s: the roles the route table enforces', (key, roles) => {
    const spec = byKey.get(key);
    expect(spec).toBeDefined();
    expect(roles).toEqual(spec!.roles === 'public' ? ['public'] : [...spec!.roles].sort());
  });

  it('lists every route of the reporting service, once', () => {
    const reporting = [...byKey].filter(([, spec]) => spec.service === 'reporting').map(([key]) => key);
    expect(listed.map(([key]) => key).sort()).toEqual(reporting.sort());
  });
});

// The same for the evaluation routes (党建目标考核).
const evaluationRows = tableAfter('## Evaluation');
const evaluationFirst = /`\w+ ([^`?]+)/.exec(evaluationRows[0][0])![1];
const evaluationListed = evaluationRows.flatMap(([route, who]) =>
  routesOf(route, evaluationFirst).map((key) => [key, rolesOf(who)] as const),
);

describe('README: who may call the evaluation routes', () => {
  it.each(evaluationListed)('%s: the roles the route table enforces', (key, roles) => {
    const spec = byKey.get(key);
    expect(spec).toBeDefined();
    expect(roles).toEqual(spec!.roles === 'public' ? ['public'] : [...spec!.roles].sort());
  });

  it('lists every route of the evaluation service, once', () => {
    const evaluation = [...byKey].filter(([, spec]) => spec.service === 'evaluation').map(([key]) => key);
    expect(evaluationListed.map(([key]) => key).sort()).toEqual(evaluation.sort());
  });
});

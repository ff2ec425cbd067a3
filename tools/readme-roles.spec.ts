import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { ROLES, Routes, type RouteSpec } from '@pb/contracts';

// The README's tables of the semi-monthly report and evaluation routes say who may call each; this holds it to the
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
/** The README's table after `heading` names every route of `service` once, each with the roles the route table enforces. */
function describeTable(heading: string, service: RouteSpec['service'], what: string) {
  const rows = tableAfter(heading);
  const firstPath = /`\w+ ([^`?]+)/.exec(rows[0][0])![1];
  const listed = rows.flatMap(([route, who]) => routesOf(route, firstPath).map((key) => [key, rolesOf(who)] as const));

  describe(`README: who may call the ${what} routes`, () => {
    it.each(listed)('%s: the roles the route table enforces', (key, roles) => {
      const spec = byKey.get(key);
      expect(spec).toBeDefined();
      expect(roles).toEqual(spec!.roles === 'public' ? ['public'] : [...spec!.roles].sort());
    });

    it(`lists every route of the ${service} service, once`, () => {
      const owned = [...byKey].filter(([, spec]) => spec.service === service).map(([key]) => key);
      expect(listed.map(([key]) => key).sort()).toEqual(owned.sort());
    });
  });
}

describeTable('## Semi-monthly reports', 'reporting', 'semi-monthly report');
// 党建目标考核
describeTable('## Evaluation', 'evaluation', 'evaluation');

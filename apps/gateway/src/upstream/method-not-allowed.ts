import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Routes, type RouteSpec } from '@pb/contracts';
import { problem } from '@pb/platform';

type MethodTable = { pattern: RegExp; methods: Set<string> }[];

/** Each path of the route table as a pattern, with the methods the table declares on it. */
export function methodTable(specs: readonly RouteSpec[] = Object.values(Routes)): MethodTable {
  const byPath = new Map<string, Set<string>>();
  for (const spec of specs) byPath.set(spec.path, (byPath.get(spec.path) ?? new Set()).add(spec.method));
  return [...byPath].map(([path, methods]) => ({
    pattern: new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[A-Za-z0-9_]+\}/g, '[^/]+')}$`),
    methods,
  }));
}

/**
 * The methods the route table allows on a path (GET with its HEAD), sorted; empty when the table does
 * not know the path. A path several entries match (`/org-units/batch`, `/org-units/{id}`) allows
 * what all of them declare.
 */
export function allowedMethods(table: MethodTable, path: string): string[] {
  const allowed = new Set<string>();
  for (const { pattern, methods } of table) if (pattern.test(path)) for (const m of methods) allowed.add(m);
  if (allowed.has('GET')) allowed.add('HEAD');
  return [...allowed].sort();
}

/**
 * A method the route table does not declare on a path it knows (TRACE, QUERY, DELETE where only GET
 * is declared) is a 405 problem with `Allow` listing the declared methods, before authentication and
 * routing: the table is public (the OpenAPI document), and a 404 would say the path does not exist.
 */
export function refuseUndeclaredMethods(app: NestFastifyApplication, table: MethodTable = methodTable()): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (req, _reply, done) => {
      // Only what the router found no route for: a routed request pays one property read, not the table.
      if (!req.is404) return done();
      const path = req.url.split('?', 1)[0] ?? '';
      if (req.method === 'OPTIONS' || !path.startsWith('/api/')) return done();
      const allowed = allowedMethods(table, path);
      if (allowed.length === 0 || allowed.includes(req.method)) return done();
      const allow = allowed.join(', ');
      done(
        problem.methodNotAllowed(
          {
            zh: `此路径未声明 ${req.method} 方法，可用方法：${allow}`,
            en: `${req.method} is not declared on this path; allowed: ${allow}`,
          },
          [],
          { allow },
        ),
      );
    });
}

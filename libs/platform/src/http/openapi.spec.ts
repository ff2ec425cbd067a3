import 'reflect-metadata';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, type INestApplication } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { HealthCheckService } from '@nestjs/terminus';
import { HealthController, Lifecycle, READINESS_CHECKS } from '../health/health.js';
import { MetricsController } from '../metrics/metrics.js';
import type { OpenAPIObject } from '@nestjs/swagger';
import { expressPath, Routes, type RouteSpec } from '@pb/contracts';
import { buildOpenApiDocument } from './openapi.js';
import { Handle, problemsOf } from './route.js';

type Answer = { description?: string; content?: Record<string, { schema?: unknown }> };
type Operation = { responses: Record<string, Answer> };

/** Every entry of the route table bound to a handler, as the gateway and the services do, without their dependencies. */
@Controller()
class WholeTable {}
for (const [id, spec] of Object.entries(Routes) as [string, RouteSpec][]) {
  const proto = WholeTable.prototype as unknown as Record<string, unknown>;
  proto[id] = () => undefined;
  Handle(spec)(proto, id, Object.getOwnPropertyDescriptor(proto, id)!);
}

const entries = Object.entries(Routes) as [string, RouteSpec][];
const operationOf = (doc: OpenAPIObject, spec: RouteSpec) =>
  (doc.paths[spec.path] as Record<string, Operation> | undefined)?.[spec.method.toLowerCase()];

describe('the OpenAPI document of the route table (buildOpenApiDocument)', () => {
  let app: INestApplication;
  let doc: OpenAPIObject;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ controllers: [WholeTable] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    doc = await buildOpenApiDocument(app, { title: 't', description: 'd', version: '1' });
  });
  afterAll(async () => {
    await app.close();
  });

  it('documents every entry of the table', () => {
    const missing = entries.filter(([, spec]) => !operationOf(doc, spec)).map(([id]) => id);
    expect(missing).toEqual([]);
    expect(expressPath('/a/{id}')).toBe('/a/:id');
  });

  it('gives every 2xx answer with a body a response schema', () => {
    const without: string[] = [];
    for (const [id, spec] of entries) {
      for (const [status, answer] of Object.entries(operationOf(doc, spec)?.responses ?? {})) {
        if (!/^2/.test(status) || status === '204') continue;
        const schemas = Object.values(answer.content ?? {}).map((c) => c.schema);
        if (schemas.length === 0 || schemas.some((s) => !s || Object.keys(s).length === 0)) without.push(`${id} ${status}`);
      }
    }
    expect(without).toEqual([]);
  });

  it('documents 400 and 404 on every operation, 401 and 403 on every authenticated one, each as problem+json', () => {
    const gaps: string[] = [];
    for (const [id, spec] of entries) {
      const responses = operationOf(doc, spec)?.responses ?? {};
      const expected = spec.roles === 'public' ? ['400', '404'] : ['400', '401', '403', '404'];
      for (const status of expected) if (!responses[status]) gaps.push(`${id} ${status}`);
      for (const [status, answer] of Object.entries(responses)) {
        if (Number(status) >= 400 && !answer.content?.['application/problem+json']) gaps.push(`${id} ${status} not problem+json`);
      }
    }
    expect(gaps).toEqual([]);
  });

  it('documents the problems its entry implies: If-Match 412 (428 when required), Idempotency-Key 422 and 428, a creation with a unique key 409', () => {
    const gaps: string[] = [];
    for (const [id, spec] of entries) {
      const responses = operationOf(doc, spec)?.responses ?? {};
      const implied: string[] = [];
      if (spec.ifMatch) implied.push('412');
      if (spec.ifMatch === 'required') implied.push('428');
      if (spec.idempotencyKey) implied.push('422', '428');
      const fields = Object.keys((spec.body?.['properties'] as object | undefined) ?? {});
      if (spec.ok.status === 201 && ['id', 'code', 'username'].some((f) => fields.includes(f))) implied.push('409');
      for (const status of implied) if (!responses[status]) gaps.push(`${id} ${status}`);
    }
    expect(gaps).toEqual([]);
  });
});

describe('problemsOf', () => {
  const base: RouteSpec = {
    method: 'POST',
    path: '/x',
    service: 'gateway',
    tag: 't',
    roles: 'public',
    summary: 's',
    ok: { status: 200 },
  };

  it('derives 412, 428, 422 and 409 from the entry, and keeps what the entry says itself', () => {
    expect(Object.keys(problemsOf(base))).toEqual([]);
    expect(Object.keys(problemsOf({ ...base, ifMatch: 'optional' }))).toEqual(['412']);
    expect(Object.keys(problemsOf({ ...base, ifMatch: 'required' }))).toEqual(['412', '428']);
    expect(Object.keys(problemsOf({ ...base, idempotencyKey: 'required' }))).toEqual(['422', '428']);
    const withCode = { ...base, body: { type: 'object', properties: { code: {} } } };
    expect(Object.keys(problemsOf({ ...withCode, ok: { status: 201 } }))).toEqual(['409']);
    // Not a creation (a login's username, an update's id): no conflict of a unique key.
    expect(Object.keys(problemsOf(withCode))).toEqual([]);
    expect(problemsOf({ ...base, ifMatch: 'optional', problems: { 412: 'Stale' } })[412]).toBe('Stale');
  });
});

describe('@nestjs/swagger only where a document is built (docs/adr/0027)', () => {
  it('is imported at run time by http/openapi.ts alone: Handle, Public, Roles and the services never load it', () => {
    const root = process.cwd();
    const sources = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
        d.isDirectory()
          ? sources(path.join(dir, d.name))
          : d.name.endsWith('.ts') && !/\.(spec|e2e-spec|integration-spec)\.ts$/.test(d.name)
            ? [path.join(dir, d.name)]
            : [],
      );
    const importers = ['apps', 'libs']
      .flatMap((top) => readdirSync(path.join(root, top)).map((name) => path.join(root, top, name, 'src')))
      .filter((dir) => {
        try {
          return readdirSync(dir).length > 0;
        } catch {
          return false;
        }
      })
      .flatMap(sources)
      .filter(
        (file) =>
          /^import (?!type )[^;]*from '@nestjs\/swagger'/m.test(readFileSync(file, 'utf8')) ||
          /import\('@nestjs\/swagger'\)/.test(readFileSync(file, 'utf8').replace(/typeof import\('@nestjs\/swagger'\)/g, '')),
      )
      .map((file) => path.relative(root, file));
    expect(importers).toEqual([path.join('libs', 'platform', 'src', 'http', 'openapi.ts')]);
  });

  it('documents each handler once however many documents a process builds, without the health and metrics routes', async () => {
    const moduleRef = await Test.createTestingModule({
      controllers: [WholeTable, HealthController, MetricsController],
      providers: [{ provide: HealthCheckService, useValue: {} }, Lifecycle, { provide: READINESS_CHECKS, useValue: [] }],
    }).compile();
    const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    try {
      await app.init();
      const first = await buildOpenApiDocument(app, { title: 't', description: 'd', version: '1' });
      const again = await buildOpenApiDocument(app, { title: 't', description: 'd', version: '1' });
      expect(JSON.stringify(again.paths)).toBe(JSON.stringify(first.paths));
      const [id, spec] = entries.find(([, s]) => Object.keys(s.params ?? {}).length > 0)!;
      const params = (operationOf(again, spec) as unknown as { parameters: { name: string; in: string }[] }).parameters.filter(
        (p) => p.in === 'path',
      );
      expect([id, params.map((p) => p.name)]).toEqual([id, Object.keys(spec.params ?? {})]);
      // Served by the app, left out of its document.
      expect(
        (app.getHttpAdapter().getInstance() as { hasRoute: (r: object) => boolean }).hasRoute({ method: 'GET', url: '/health/live' }),
      ).toBe(true);
      expect(Object.keys(again.paths).filter((p) => p.startsWith('/health') || p.startsWith('/metrics'))).toEqual([]);
      const login = entries.find(([, s]) => s.roles === 'public')![1];
      expect((operationOf(again, login) as unknown as Record<string, unknown>)['x-public']).toBe(true);
      const guarded = entries.find(([, s]) => s.roles !== 'public')![1];
      expect((operationOf(again, guarded) as unknown as Record<string, unknown>)['x-roles']).toEqual(guarded.roles);
    } finally {
      await app.close();
    }
  });
});

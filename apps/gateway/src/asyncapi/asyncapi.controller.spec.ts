import 'reflect-metadata';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Module } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Routes } from '@pb/contracts';
import { AUTH_OPTIONS, AuthGuard, Handle } from '@pb/platform';
import { prefersHtml } from './asyncapi.controller.js';
import { defaultAsyncApiPath, loadAsyncApi } from './asyncapi.document.js';
import { AsyncApiModule } from './asyncapi.module.js';

const ROOT = path.resolve(path.dirname(defaultAsyncApiPath()), '..', '..');
const committed = readFileSync(path.join(ROOT, 'docs/asyncapi/asyncapi.json'), 'utf8');

/** An authenticated route of the table (the audit log), to show the global guard is on in this app. */
@Controller()
class PrivateController {
  @Handle(Routes.getAudit)
  get() {
    return { secret: true };
  }
}

@Module({
  imports: [AsyncApiModule.register(defaultAsyncApiPath())],
  controllers: [PrivateController],
  providers: [
    { provide: AUTH_OPTIONS, useValue: { mode: 'gateway', secret: 's'.repeat(40) } },
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
})
class TestModule {}

let app: NestFastifyApplication;
const get = (url: string, accept?: string) =>
  app
    .getHttpAdapter()
    .getInstance()
    .inject({ method: 'GET', url, headers: accept ? { accept } : {} });

beforeAll(async () => {
  app = await NestFactory.create<NestFastifyApplication>(TestModule, new FastifyAdapter(), {
    logger: false,
  });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
});
afterAll(() => app.close());

describe('GET /asyncapi (public, no token)', () => {
  it('the guard is on: an ordinary route answers 401 without a token', async () => {
    expect((await get('/api/v1/audit')).statusCode).toBe(401);
  });

  it('/asyncapi.json serves the committed document byte for byte', async () => {
    const res = await get('/asyncapi.json');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.body).toBe(committed);
  });

  it('/asyncapi serves JSON to API clients and curl, HTML to browsers', async () => {
    for (const accept of [undefined, '*/*', 'application/json']) {
      const res = await get('/asyncapi', accept);
      expect([accept, res.headers['content-type']]).toEqual([accept, 'application/json; charset=utf-8']);
      expect(res.headers['vary']).toBe('Accept');
    }
    const page = await get('/asyncapi', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8');
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toMatch(/^<!doctype html>/);
  });

  it('/asyncapi.html serves the page with a policy that lets it run nothing', async () => {
    const res = await get('/asyncapi.html');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body).toContain('orgs.units.v1');
  });
});

describe('content negotiation', () => {
  it.each([
    [undefined, false],
    ['*/*', false],
    ['application/json', false],
    ['text/html', true],
    ['text/*', true],
    ['text/html, application/json', false],
    ['application/json;q=0.5, text/html', true],
    ['text/html;q=0.1, application/json', false],
    ['text/html;q=0', false],
    ['TEXT/HTML', true],
  ])('Accept %s -> HTML %s', (accept, html) => {
    expect(prefersHtml(accept)).toBe(html);
  });
});

describe('loading the document', () => {
  it('defaults to docs/asyncapi/asyncapi.json of the repository, where the Docker image puts it too', () => {
    expect(defaultAsyncApiPath()).toBe(path.join(ROOT, 'docs', 'asyncapi', 'asyncapi.json'));
    const dockerfile = readFileSync(path.join(ROOT, 'deploy/docker/Dockerfile'), 'utf8');
    // The stage every service target builds on (`FROM runtime AS <service>`).
    const start = dockerfile.indexOf(' AS runtime\n');
    expect(start).toBeGreaterThan(0);
    const runtime = dockerfile.slice(start, dockerfile.indexOf('\nFROM ', start));
    expect(runtime).toMatch(/^WORKDIR \/repo$/m);
    expect(runtime).toMatch(/^COPY --from=\w+ .*\/repo\/docs\/asyncapi \.\/docs\/asyncapi$/m);
    expect(runtime).toMatch(/^COPY --from=\w+ .*\/repo\/apps \.\/apps$/m);
  });

  it('stops the boot naming the variable and the path when the file is missing or not AsyncAPI 3.0.0', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'asyncapi-'));
    expect(() => loadAsyncApi(path.join(dir, 'missing.json'))).toThrow(/^ASYNCAPI_DOCUMENT: cannot read .*missing\.json/);
    writeFileSync(path.join(dir, 'old.json'), JSON.stringify({ asyncapi: '2.6.0' }));
    expect(() => loadAsyncApi(path.join(dir, 'old.json'))).toThrow(/old\.json is not an AsyncAPI 3\.0\.0 document/);
  });
});

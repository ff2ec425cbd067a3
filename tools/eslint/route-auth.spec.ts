import { describe, expect, it } from '@jest/globals';
import { fixtureLinter } from './fixture-linter.js';
import pb from './rules/route-auth.mjs';

// Lint fixtures for pb/route-auth: routes that must fail (no @Public, no @Roles) and routes that pass.
const eslint = fixtureLinter({ pb: pb }, { 'pb/route-auth': 'error' });

async function routeErrors(code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: 'apps/gateway/src/fixture.controller.ts' });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'pb/route-auth' || m.fatal).map((m) => m.message);
}

const controller = (classDecorators: string, members: string) => `
import { Controller, Get, Post, Delete } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Routes } from '@pb/contracts';
import { Handle, InfrastructureController, Public, Roles } from '@pb/platform';
${classDecorators}
@Controller()
export class ThingsController {
${members}
}
`;

// Lint fixtures: a route is declared in the route table and bound with @Handle(Routes.<id>); Nest's
// own route decorators only serve infrastructure routes (health, metrics) kept out of the API document.
describe('pb/route-auth', () => {
  it.each([
    ['a GET route with no table entry', controller('', '  @Get() list() { return []; }')],
    ['a route with its roles but no table entry', controller('', "  @Post() @Roles('city-admin') create() { return {}; }")],
    ['a public route in an API controller', controller('', '  @Public() @Get() live() { return {}; }')],
    [
      'one undeclared route among bound ones',
      controller('', "  @Handle(Routes.getAudit) list() { return []; }\n  @Delete(':id') remove() { return; }"),
    ],
    ['roles beside the table entry', controller('', "  @Handle(Routes.getAudit) @Roles('analyst') list() { return []; }")],
    ['public beside the table entry', controller('', '  @Handle(Routes.getAudit) @Public() list() { return []; }')],
    ['a second route decorator beside the entry', controller('', "  @Handle(Routes.getAudit) @Get('x') list() { return []; }")],
    ['@Handle with something else than an entry', controller('', "  @Handle({ method: 'GET' }) list() { return []; }")],
    ['@Public() on the class', controller('@Public()', '  @Handle(Routes.getAudit) list() { return []; }')],
    ['a route decorator through a namespace', controller('', '  @common.Get() list() { return []; }')],
  ])('fails on %s', async (_case, code) => {
    expect(await routeErrors(code)).not.toEqual([]);
  });

  it.each([
    [
      'routes bound to their entries',
      controller('', "  @Handle(Routes.getAudit) list() { return []; }\n  @Handle(Routes['getAccountsMe']) me() { return {}; }"),
    ],
    [
      'an infrastructure route outside the API document',
      controller('@InfrastructureController()', '  @Public() @Get() live() { return {}; }'),
    ],
    [
      "an infrastructure route in a controller swagger's decorator excludes",
      controller('@ApiExcludeController()', '  @Public() @Get() live() { return {}; }'),
    ],
    ['methods that are not routes', controller('', '  helper() { return 1; }\n  @Handle(Routes.getAudit) list() { return []; }')],
    ['a class that is not a controller', 'export class Service { @Get() list() { return []; } }'],
  ])('passes %s', async (_case, code) => {
    expect(await routeErrors(code)).toEqual([]);
  });

  it('names the handler in its message', async () => {
    expect(await routeErrors(controller('', '  @Get() listThings() { return []; }'))).toEqual([
      'Route handler listThings is not in the route table: declare it in libs/contracts/src/routes/routes.ts and bind it with @Handle(Routes.<id>).',
    ]);
  });
});

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
import { Public, Roles } from '@pb/platform';
${classDecorators}
@Controller('api/v1/things')
export class ThingsController {
${members}
}
`;

describe('pb/route-auth', () => {
  it.each([
    ['a GET route with no decorator', controller('', '  @Get() list() { return []; }')],
    ['a POST route with only a Nest decorator', controller('', '  @Post() @HttpCode(201) create() { return {}; }')],
    [
      'one unguarded route among guarded ones',
      controller('', "  @Get() @Roles('analyst') list() { return []; }\n  @Delete(':id') remove() { return; }"),
    ],
    ['a route both public and role-checked', controller('', "  @Get() @Public() @Roles('analyst') list() { return []; }")],
    ['@Public() on the class', controller('@Public()', '  @Get() list() { return []; }')],
    ['a route decorator through a namespace', controller('', '  @common.Get() list() { return []; }')],
  ])('fails on %s', async (_case, code) => {
    expect(await routeErrors(code)).not.toEqual([]);
  });

  it.each([
    ['a public route', controller('', '  @Public() @Get() live() { return {}; }')],
    ['a route with its roles', controller('', "  @Post() @Roles('city-admin', 'county-admin') create() { return {}; }")],
    ['roles on the class', controller("@Roles('inspector')", "  @Get() list() { return []; }\n  @Get(':id') one() { return {}; }")],
    ['methods that are not routes', controller('', '  helper() { return 1; }\n  @Public() @Get() live() { return {}; }')],
    ['a class that is not a controller', 'export class Service { @Get() list() { return []; } }'],
  ])('passes %s', async (_case, code) => {
    expect(await routeErrors(code)).toEqual([]);
  });

  it('names the handler in its message', async () => {
    expect(await routeErrors(controller('', '  @Get() listThings() { return []; }'))).toEqual([
      'Route handler listThings has neither @Public() nor @Roles(...): say who may call it.',
    ]);
  });
});

import { describe, expect, it } from '@jest/globals';
import { fixtureLinter } from './fixture-linter.js';
import pb from './rules/org-owned.mjs';

// Lint fixtures for pb/org-owned: raw access to a registered org-owned model fails, scoped access passes.
const eslint = fixtureLinter(
  { pb: pb },
  {
    'pb/org-owned': ['error', { models: ['HALF_MONTH_REPORT_MODEL', 'Member'], collections: ['C.log', 'delivery_log'] }],
  },
);

async function errors(code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: 'apps/reporting/src/fixture.service.ts' });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'pb/org-owned' || m.fatal).map((m) => m.message);
}

const service = (params: string, body = '') => `
import { Injectable } from '@nestjs/common';
import { InjectModel, InjectConnection, getModelToken } from '@nestjs/mongoose';
import { InjectScopedModel, Scope, type ScopedModel } from '@pb/platform';
@Injectable()
export class FixtureService {
  constructor(${params}) {}
  ${body}
}
`;

describe('pb/org-owned', () => {
  it.each([
    ['the raw model injected', service('@InjectModel(HALF_MONTH_REPORT_MODEL) private readonly reports: Model<HalfMonthReport>')],
    ['the raw model by its string name', service("@InjectModel('Member') private readonly members: Model<Member>")],
    [
      'the raw model from the connection',
      service('@InjectConnection() private readonly c: Connection', 'm() { return this.c.model(HALF_MONTH_REPORT_MODEL).find({}); }'),
    ],
    [
      'the raw model from the module token',
      service('', 'm(app) { return app.get(getModelToken(HALF_MONTH_REPORT_MODEL)).findOne({ _id: 1 }); }'),
    ],
  ])('fails on %s', async (_case, code) => {
    expect(await errors(code)).toEqual([expect.stringContaining('is org-owned: inject @InjectScopedModel(')]);
  });

  it.each([
    [
      'a native collection by its constant',
      service('@InjectConnection() private readonly c: Connection', 'm() { return this.c.collection(C.log).find({}); }'),
    ],
    [
      'a native collection by its string name',
      service(
        '@InjectConnection() private readonly c: Connection',
        "m() { return this.c.db.collection('delivery_log').findOne({ _id: 1 }); }",
      ),
    ],
  ])('fails on %s', async (_case, code) => {
    expect(await errors(code)).toEqual([expect.stringContaining('is org-owned: open it once as a ScopedCollection')]);
  });

  it.each([
    [
      'the scoped model queried with a caller scope',
      service(
        '@InjectScopedModel(HALF_MONTH_REPORT_MODEL) private readonly reports: ScopedModel<HalfMonthReport>',
        'm(caller) { return this.reports.find(Scope.of(caller), { status: "submitted" }); }',
      ),
    ],
    [
      'system work through the named way out',
      service(
        '@InjectScopedModel(HALF_MONTH_REPORT_MODEL) private readonly reports: ScopedModel<HalfMonthReport>',
        'm() { return this.reports.unscoped(Scope.system("deadline scheduler")).updateMany({}, {}); }',
      ),
    ],
    [
      'a native collection opened through its ScopedCollection, and one that is not org-owned',
      service(
        '@InjectConnection() private readonly c: Connection',
        'm() { return [scopedCollections(this.c).log.find(Scope.system("worker"), {}), this.c.collection(C.queue).find({})]; }',
      ),
    ],
    ['a model that is not org-owned', service('@InjectModel(CALENDAR_MODEL) private readonly calendars: Model<CalendarDoc>')],
  ])('passes %s', async (_case, code) => {
    expect(await errors(code)).toEqual([]);
  });
});

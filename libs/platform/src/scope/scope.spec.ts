import { beforeEach, describe, expect, it } from '@jest/globals';
import type { Collection } from 'mongoose';
import type { Model } from 'mongoose';
import { ProblemException } from '../http/problem.js';
import { NOT_FOUND_TYPE, Scope, UNIT_NOT_FOUND } from './scope.js';
import { ScopedCollection } from './scoped-collection.js';
import { ScopedModel } from './scoped-model.js';

const county = Scope.of({ sub: 'acc-1', orgUnitId: 'county', roles: ['county-admin'] });
const PATHS: Record<string, string[]> = { school: ['city', 'county', 'school'], other: ['city', 'other'] };
const pathOf = (id: string) => Promise.resolve(PATHS[id]);

async function problemOf(p: Promise<unknown>): Promise<ProblemException> {
  try {
    await p;
  } catch (err) {
    return err as ProblemException;
  }
  throw new Error('expected a problem');
}

describe('Scope', () => {
  it('reaches the units whose path contains the caller unit, nothing else', () => {
    expect(county.reaches(PATHS.school)).toBe(true);
    expect(county.reaches(PATHS.other)).toBe(false);
    expect(county.reaches(undefined)).toBe(false);
  });

  it('names the caller unit by default, and answers the one not-found problem outside the subtree', async () => {
    await expect(county.unit(undefined, pathOf)).resolves.toBe('county');
    await expect(county.unit('school', pathOf)).resolves.toBe('school');
    const outside = await problemOf(county.unit('other', pathOf));
    const unknown = await problemOf(county.unit('nowhere', pathOf));
    for (const p of [outside, unknown]) {
      expect(p.getStatus()).toBe(404);
      expect(p.problemType).toBe(NOT_FOUND_TYPE);
    }
  });

  it('a system scope states a reason, reaches every unit and has no org unit', () => {
    const system = Scope.system('deadline scheduler');
    expect(system.isSystem).toBe(true);
    expect(system.reaches(PATHS.other)).toBe(true);
    expect(system.accountId).toBe('system:deadline scheduler');
    expect(() => system.orgUnitId).toThrow(/system scope/);
    expect(() => Scope.system(' ')).toThrow(/reason/);
  });
});

describe('ScopedModel', () => {
  interface Doc {
    _id: string;
    unitPath: string[];
    status?: string;
  }
  const docs: Doc[] = [
    { _id: 'r1', unitPath: PATHS.school },
    { _id: 'r2', unitPath: PATHS.other },
  ];
  const calls: { op: string; filter: unknown }[] = [];
  const lean = <R>(value: R) => ({ lean: () => Promise.resolve(value) });
  const model = {
    findById: (id: string) => lean(docs.find((d) => d._id === id) ?? null),
    find: (filter: unknown) => (calls.push({ op: 'find', filter }), lean([])),
    updateOne: (filter: unknown) => (calls.push({ op: 'updateOne', filter }), Promise.resolve({ matchedCount: 0 })),
  } as unknown as Model<Doc>;
  const reports = new ScopedModel<Doc>(model, {
    pathField: 'unitPath',
    notFound: { zh: '找不到半月记实表', en: 'Half-month report not found' },
  });

  beforeEach(() => {
    calls.length = 0;
  });

  it('answers a reachable document and 404 for a foreign or a missing one, with the collection title', async () => {
    await expect(reports.get(county, 'r1')).resolves.toMatchObject({ _id: 'r1' });
    for (const id of ['r2', 'missing']) {
      const p = await problemOf(reports.get(county, id));
      expect([p.getStatus(), p.problemType, p.detail?.en]).toEqual([404, NOT_FOUND_TYPE, 'Half-month report not found']);
    }
    await expect(reports.reaches(county, 'r2')).resolves.toBe(false);
  });

  it('confines queries and writes to the subtree, keeping a filter on the same field', async () => {
    await reports.find(county, { status: 'submitted' }).lean();
    await reports.find(county, { unitPath: 'school' }).lean();
    await reports.updateOne(county, { _id: 'r1' }, { $set: { status: 'x' } });
    expect(calls).toEqual([
      { op: 'find', filter: { status: 'submitted', unitPath: 'county' } },
      { op: 'find', filter: { $and: [{ unitPath: 'school' }, { unitPath: 'county' }] } },
      { op: 'updateOne', filter: { _id: 'r1', unitPath: 'county' } },
    ]);
  });

  it('leaves a system scope unconfined, and only a system scope gets the raw model', async () => {
    const system = Scope.system('spec');
    await reports.find(system, { status: 'submitted' }).lean();
    expect(calls).toEqual([{ op: 'find', filter: { status: 'submitted' } }]);
    expect(reports.unscoped(system)).toBe(model);
    // @ts-expect-error a caller's scope cannot unlock the raw model
    reports.unscoped(county);
  });
});

describe('ScopedModel owned by unit id', () => {
  interface Point {
    _id: string;
    schoolId: string;
    cadre: string;
  }
  const points: Point[] = [
    { _id: 'p1', schoolId: 'school', cadre: 'acc-9' },
    { _id: 'p2', schoolId: 'other', cadre: 'acc-9' },
    { _id: 'p3', schoolId: 'other', cadre: 'acc-1' },
  ];
  const filters: unknown[] = [];
  const lean = <R>(value: R) => ({ lean: () => Promise.resolve(value) });
  const model = {
    modelName: 'ContactPoint',
    findById: (id: string) => lean(points.find((d) => d._id === id) ?? null),
    find: (filter: unknown) => (filters.push(filter), lean([])),
  } as unknown as Model<Point>;
  const scoped = new ScopedModel<Point>(model, {
    unitField: 'schoolId',
    pathOf,
    addressee: { field: 'cadre', keys: (s) => [s.accountId] },
    notFound: { zh: '找不到联系点', en: 'Contact point not found' },
  });

  it('checks one document through the read model, and lets its addressee reach it anywhere', async () => {
    const scope = Scope.of({ sub: 'acc-1', orgUnitId: 'county', roles: ['county-admin'] });
    await expect(scoped.get(scope, 'p1')).resolves.toMatchObject({ _id: 'p1' });
    expect((await problemOf(scoped.get(scope, 'p2'))).problemType).toBe(NOT_FOUND_TYPE);
    await expect(scoped.get(scope, 'p3')).resolves.toMatchObject({ _id: 'p3' });
  });

  it('lets a query name only units the scope has checked; without one, only what is addressed to the caller', async () => {
    const scope = Scope.of({ sub: 'acc-1', orgUnitId: 'county', roles: ['county-admin'] });
    await scope.unit('school', pathOf);
    await scoped.find(scope, { schoolId: 'school' }).lean();
    await scoped.find(scope, { schoolId: { $in: ['county', 'school'] } }).lean();
    await scoped.find(scope, { schoolId: 'other' }).lean();
    expect(filters).toEqual([
      { schoolId: 'school' },
      { schoolId: { $in: ['county', 'school'] } },
      { schoolId: 'other', cadre: { $in: ['acc-1'] } },
    ]);
    const plain = new ScopedModel<Point>(model, { unitField: 'schoolId', pathOf, notFound: UNIT_NOT_FOUND });
    expect(() => plain.find(Scope.of({ sub: 'acc-2', orgUnitId: 'county', roles: [] }), { schoolId: 'school' })).toThrow(
      /unscoped query of ContactPoint/,
    );
    expect(() => plain.find(Scope.system('spec'), {})).not.toThrow();
  });

  it('a subtree from the read model is checked as a whole', async () => {
    const scope = Scope.of({ sub: 'acc-1', orgUnitId: 'county', roles: ['county-admin'] });
    const ids = await scope.subtree(undefined, pathOf, () => Promise.resolve(['school']));
    expect(ids).toEqual(['county', 'school']);
    expect(scope.vouches('school')).toBe(true);
    expect(scope.vouches('other')).toBe(false);
  });
});

describe('ScopedCollection', () => {
  interface LogDoc {
    _id: string;
    scopePath: string[];
    recipientKey: string;
  }
  const found: unknown[] = [];
  const collection = {
    collectionName: 'delivery_log',
    findOne: (filter: { _id: string }) =>
      Promise.resolve(filter._id === 'l1' ? { _id: 'l1', scopePath: PATHS.other, recipientKey: 'unit:other' } : null),
    find: (filter: unknown) => (found.push(filter), { toArray: () => Promise.resolve([]) }),
  } as unknown as Collection<LogDoc>;
  const log = new ScopedCollection<LogDoc>(collection, { pathField: 'scopePath', notFound: { zh: '找不到', en: 'Not found' } });

  it('confines queries by path, answers 404 outside, and hands the raw collection to system work only', async () => {
    await log.find(county, { kind: 'sent' }).toArray();
    expect(found).toEqual([{ kind: 'sent', scopePath: 'county' }]);
    expect((await problemOf(log.get(county, 'l1'))).getStatus()).toBe(404);
    await expect(log.get(Scope.system('spec'), 'l1')).resolves.toMatchObject({ _id: 'l1' });
    expect(log.unscoped(Scope.system('spec'))).toBe(collection);
    // @ts-expect-error a caller's scope cannot unlock the raw collection
    log.unscoped(county);
  });
});

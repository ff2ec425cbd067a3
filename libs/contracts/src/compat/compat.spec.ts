import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { compareContracts, type ReleasedContract } from './compat.js';
import { compareSchemas, type JsonSchema } from './compare-schemas.js';

interface Fixture {
  about: string;
  released: JsonSchema;
  current: JsonSchema;
  breaking?: { field: string; rule: string }[];
  notes: { field: string; rule: string }[];
}

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'test', 'fixtures');
function load(kind: 'ok' | 'not-ok'): [string, Fixture][] {
  return readdirSync(path.join(fixtures, kind))
    .filter((f) => f.endsWith('.json'))
    .map((f) => [f.replace(/\.json$/, ''), JSON.parse(readFileSync(path.join(fixtures, kind, f), 'utf8')) as Fixture]);
}

function split(fixture: Fixture) {
  const findings = compareSchemas(fixture.released, fixture.current);
  const pick = (notes: boolean) =>
    findings.filter((f) => (f.rule === 'added-optional-field') === notes).map(({ field, rule }) => ({ field, rule }));
  return { breaking: pick(false), notes: pick(true), findings };
}

describe('schema compatibility: changes that keep every consumer working (fixtures/ok)', () => {
  it.each(load('ok'))('%s passes', (_name, fixture) => {
    const { breaking, notes } = split(fixture);
    expect(breaking).toEqual([]);
    expect(notes).toEqual(fixture.notes);
  });
});

describe('schema compatibility: changes that break a consumer (fixtures/not-ok)', () => {
  it.each(load('not-ok'))('%s fails, naming the field and the rule', (_name, fixture) => {
    const { breaking, notes, findings } = split(fixture);
    expect(breaking).toEqual(fixture.breaking);
    expect(notes).toEqual(fixture.notes);
    for (const f of findings) expect(f.detail.length).toBeGreaterThan(10);
  });

  it('says whom a change breaks, in each direction', () => {
    const [lower] = compareSchemas({ type: 'string', maxLength: 100 }, { type: 'string', maxLength: 50 });
    expect(lower?.detail).toBe(
      'maxLength lowered from 100 to 50: records already on the topic would fail the new schema (replays, compacted topics, new analysts)',
    );
    const [wider] = compareSchemas({ enum: ['a'] }, { enum: ['a', 'b'] });
    expect(wider?.detail).toBe('enum value(s) "b" added: consumers still on the released schema would reject new events');
  });

  it('hints at a rename', () => {
    const [removed] = compareSchemas(
      { type: 'object', properties: { name: { type: 'string' } } },
      { type: 'object', properties: { title: { type: 'string', description: 'was name' } } },
    );
    expect(removed).toEqual({
      field: 'name',
      rule: 'removed-field',
      detail: 'field removed (renamed to "title"?): consumers that read it lose it',
    });
  });
});

describe('contract compatibility against the released set', () => {
  const schema = {
    type: 'object',
    required: ['unitId'],
    properties: { unitId: { type: 'string' }, name: { type: 'string' } },
  };
  const v1: ReleasedContract = {
    type: 'cn.edu.partybuilding.x.thing.done.v1',
    topic: 'x.things.v1',
    key: 'unitId',
    schema,
  };

  it('passes an unchanged type and reports nothing', () => {
    expect(compareContracts([v1], [v1])).toEqual({ breaking: [], notes: [] });
  });

  it('names the event type and the field in each breaking finding', () => {
    const current = { ...v1, schema: { ...schema, properties: { unitId: { type: 'string' } } } };
    expect(compareContracts([v1], [current]).breaking).toEqual([
      {
        type: v1.type,
        field: 'name',
        rule: 'removed-field',
        message: 'cn.edu.partybuilding.x.thing.done.v1 field "name": field removed: consumers that read it lose it',
      },
    ]);
  });

  it('fails a released type that is no longer published, naming its successor when a .v2 replaced it', () => {
    const v2 = { ...v1, type: 'cn.edu.partybuilding.x.thing.done.v2', topic: 'x.things.v2' };
    const { breaking, notes } = compareContracts([v1], [v2]);
    expect(breaking.map((f) => [f.type, f.rule])).toEqual([[v1.type, 'removed-type']]);
    expect(breaking[0]?.message).toMatch(
      /cn\.edu\.partybuilding\.x\.thing\.done\.v2 replaces it: publish both during the deprecation period/,
    );
    expect(notes.map((f) => [f.type, f.rule])).toEqual([[v2.type, 'new-type']]);
    expect(compareContracts([v1], []).breaking[0]?.message).toMatch(/type no longer published/);
  });

  it('fails a type moved to another topic or keyed by another field', () => {
    const moved = { ...v1, topic: 'x.other.v1', key: 'name' };
    expect(compareContracts([v1], [moved]).breaking.map((f) => f.rule)).toEqual(['moved-topic', 'changed-key']);
  });

  it('passes a brand-new type and reports it', () => {
    expect(compareContracts([], [v1])).toEqual({
      breaking: [],
      notes: [
        {
          type: v1.type,
          field: '(type)',
          rule: 'new-type',
          message: `${v1.type} field "(type)": new type, no released schema yet: run npm run contracts:release when it ships`,
        },
      ],
    });
  });
});

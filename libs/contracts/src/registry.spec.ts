import { describe, expect, it } from '@jest/globals';
import { defineEvent, recordKeyOf } from './event-contract.js';
import { OrgUnitCreatedV1 } from './events/orgs/org-unit.v1.js';
import { contractOf, EventContracts, validateEventData } from './registry.js';

const valid = { unitId: 's-1', code: 'S1', name: '第一中学', kind: 'school', parentId: 'c-1', path: ['c-1', 's-1'], level: 1, version: 1 };

describe('event contracts', () => {
  it('finds each contract by its type, with a dataschema URI named after it', () => {
    for (const c of EventContracts) {
      expect(contractOf(c.type)).toBe(c);
      expect(c.dataschema.endsWith(`/${c.type}.json`)).toBe(true);
    }
  });

  it('accepts data that follows the schema', () => {
    expect(validateEventData(OrgUnitCreatedV1.type, valid)).toEqual({ ok: true, errors: [] });
  });

  it('names the field and the rule when data breaks the schema', () => {
    const { ok, errors } = validateEventData(OrgUnitCreatedV1.type, { ...valid, kind: 'kindergarten', level: -1 });
    expect(ok).toBe(false);
    expect(errors).toEqual(expect.arrayContaining([expect.stringMatching(/^\/kind /), expect.stringMatching(/^\/level /)]));
  });

  it('fails an unknown type', () => {
    expect(validateEventData('cn.edu.partybuilding.nothing.here.v1', {}).ok).toBe(false);
  });

  const base = {
    topic: 'x.things.v1',
    description: '',
    producer: 'x',
    schema: { type: 'object', required: ['unitId', 'count'], properties: { unitId: { type: 'string' }, count: { type: 'integer' } } },
  } as const;

  it('refuses a type that is not reverse-DNS and versioned', () => {
    expect(() => defineEvent({ ...base, type: 'UnitCreated', key: { field: 'unitId', description: '' } })).toThrow(/reverse-DNS/);
  });

  it('keys each record by a required string field of the data, the org unit id', () => {
    expect(() => defineEvent({ ...base, type: 'cn.edu.partybuilding.x.thing.done.v1', key: { field: 'count', description: '' } })).toThrow(
      /key field count must be a required string property/,
    );
    const misspelled = { field: 'unitid', description: '' } as const;
    // @ts-expect-error: the key field must be one the schema requires
    expect(() => defineEvent({ ...base, type: 'cn.edu.partybuilding.x.thing.done.v1', key: misspelled })).toThrow();
    for (const c of EventContracts) expect((c.schema.required as readonly string[]).includes(c.key.field)).toBe(true);
    expect(recordKeyOf(OrgUnitCreatedV1, valid)).toBe('s-1');
  });

  it('puts a type version N on a topic of version N (a breaking change is a .v2 type on a new .v2 topic)', () => {
    for (const c of EventContracts) expect(`${c.type} on ${c.topic}`).toMatch(/\.(v\d+) on .*\.\1$/);
  });
  it('carries no ID number or birth date in any event type (ARCHITECTURE.md §7; audit snapshots are masked, docs/adr/0025)', () => {
    const personal = /^(idNumber|idCard|birthDate|birthYear|dateOfBirth)$/i;
    const found: string[] = [];
    const walk = (schema: unknown, at: string): void => {
      if (!schema || typeof schema !== 'object') return;
      for (const [key, value] of Object.entries(schema)) {
        if (key === 'properties' && value && typeof value === 'object') {
          for (const name of Object.keys(value)) if (personal.test(name)) found.push(`${at}/${name}`);
        }
        walk(value, `${at}/${key}`);
      }
    };
    for (const c of EventContracts) walk(c.schema, c.type);
    expect(found).toEqual([]);
  });
});

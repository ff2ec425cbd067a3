import { describe, expect, it } from '@jest/globals';
import { defineEvent } from './event-contract.js';
import { OrgUnitCreatedV1 } from './events/orgs/org-unit.v1.js';
import { contractOf, EventContracts, validateEventData } from './registry.js';

const valid = { unitId: 's-1', code: 'S1', name: '第一中學', kind: 'school', parentId: 'c-1', path: ['c-1', 's-1'], level: 1, version: 1 };

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

  it('refuses a type that is not reverse-DNS and versioned', () => {
    expect(() => defineEvent({ type: 'UnitCreated', topic: 't', description: '', schema: { type: 'object' } })).toThrow(/reverse-DNS/);
  });
});

import { describe, expect, it } from '@jest/globals';
import { eventFamily } from './event-contract.js';

describe('eventFamily', () => {
  const unitEvent = eventFamily({ topic: 'orgs.test.v1', producer: 'org-registry', key: { field: 'unitId', description: 'The unit.' } });
  const schema = { type: 'object', required: ['unitId'], properties: { unitId: { type: 'string' } } } as const;

  it('gives each event of the family its topic, producer and key, and its own type, description and schema', () => {
    const created = unitEvent('cn.edu.partybuilding.orgs.test.created.v1', 'Created.', schema);
    expect(created).toEqual({
      topic: 'orgs.test.v1',
      producer: 'org-registry',
      key: { field: 'unitId', description: 'The unit.' },
      type: 'cn.edu.partybuilding.orgs.test.created.v1',
      description: 'Created.',
      schema,
      dataschema: 'https://schemas.partybuilding.edu.cn/events/cn.edu.partybuilding.orgs.test.created.v1.json',
    });
  });

  it('refuses a schema whose key field is not a required string (at compile time and at load)', () => {
    const keyless = { type: 'object', required: ['other'], properties: { other: { type: 'string' } } } as const;
    // @ts-expect-error the key field unitId is not required by the schema
    expect(() => unitEvent('cn.edu.partybuilding.orgs.test.broken.v1', 'Broken.', keyless)).toThrow(/key field unitId/);
  });
});

import { describe, expect, it } from '@jest/globals';
import { OrgUnitCreatedV1, type EventData } from '@pb/contracts';
import { EventSchemaViolation, pendingEvent } from './outbox.js';

const data: EventData<typeof OrgUnitCreatedV1> = {
  unitId: 's-1',
  code: 'S1',
  name: '第一中学',
  kind: 'school',
  parentId: 'c-1',
  path: ['c-1', 's-1'],
  level: 1,
  version: 1,
};

describe('pendingEvent', () => {
  it('builds an outbox entry addressed by the contract, keyed by the org unit', () => {
    const e = pendingEvent(OrgUnitCreatedV1, { key: 's-1', subject: 'org-units/s-1', data, correlationId: 'c' });
    expect(e).toMatchObject({
      type: OrgUnitCreatedV1.type,
      topic: 'orgs.units.v1',
      key: 's-1',
      subject: 'org-units/s-1',
      dataschema: OrgUnitCreatedV1.dataschema,
      correlationId: 'c',
      data,
    });
    expect(e.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses data that breaks the contract outside production', () => {
    const bad = { ...data, level: 'one' } as unknown as typeof data;
    expect(() => pendingEvent(OrgUnitCreatedV1, { key: 's-1', data: bad })).toThrow(EventSchemaViolation);
  });
});

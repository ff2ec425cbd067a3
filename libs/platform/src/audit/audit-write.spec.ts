import { describe, expect, it } from '@jest/globals';
import { AuditWriteRecordedV1 } from '@pb/contracts';
import { auditSnapshot, auditWriteEvent } from './audit-write.js';

const member = {
  _id: 'm-1',
  unitId: 's-1',
  person: { name: '张三', gender: 'female', birthDate: '1985-03-14', idNumber: '110101198503141234' },
  passwordHash: 'secret',
  outbox: [{ type: 'x' }],
  milestones: [{ kind: 'applied', date: '2020-01-01' }],
};

describe('audit snapshots', () => {
  it('masks an ID number to its last 4 characters and a birth date entirely, at any depth', () => {
    const snap = auditSnapshot(member) as { person: Record<string, unknown> };
    expect(snap.person).toEqual({ name: '张三', gender: 'female', birthDate: '****-**-**', idNumber: '**************1234' });
    expect(JSON.stringify(snap)).not.toContain('19850314');
    expect(JSON.stringify(snap)).not.toContain('1985-03-14');
  });

  it('masks a birth year, inside arrays too', () => {
    const snap = auditSnapshot({ members: [{ teacherId: 't-1', birthYear: 1979 }], birthYear: 1980 });
    expect(snap).toEqual({ members: [{ teacherId: 't-1', birthYear: '****' }], birthYear: '****' });
  });

  it('keeps other fields as they are and leaves out secrets and the outbox', () => {
    const snap = auditSnapshot(member);
    expect(snap).not.toHaveProperty('passwordHash');
    expect(snap).not.toHaveProperty('outbox');
    expect(snap).toMatchObject({ _id: 'm-1', unitId: 's-1', milestones: [{ kind: 'applied', date: '2020-01-01' }] });
  });

  it('leaves an absent or null field as it is and masks all but the last 4 of a short ID number', () => {
    expect(auditSnapshot({ person: { name: 'x' } })).toEqual({ person: { name: 'x' } });
    expect(auditSnapshot({ idNumber: 'A1234' })).toEqual({ idNumber: '*1234' });
    expect(auditSnapshot({ idNumber: null })).toEqual({ idNumber: null });
  });

  it('puts masked snapshots in the audit.writes.v1 record', () => {
    const event = auditWriteEvent({
      service: 'org-registry',
      actor: { sub: 'a-1', orgUnitId: 's-1', roles: ['school-secretary'] } as never,
      action: 'member.registered',
      resourceType: 'member',
      resourceId: 'm-1',
      unitId: 's-1',
      before: null,
      after: member,
    });
    expect(event.type).toBe(AuditWriteRecordedV1.type);
    const text = JSON.stringify(event);
    expect(text).not.toContain('110101198503141234');
    expect(text).not.toContain('1985-03-14');
    expect(text).toContain('**************1234');
  });
});

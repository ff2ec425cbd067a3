import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import mongoose, { type Connection, type Model } from 'mongoose';
import { OrgUnitDirectory } from '../org-units/org-unit-directory.js';
import { OrgUnitViewSchema, type OrgUnitView } from '../org-units/org-unit-view.schema.js';
import { PartyOrgDirectory } from './party-org-directory.js';
import { PartyOrgRefSchema, type PartyOrgRef } from './party-org-ref.schema.js';

// A unit's move reaches its party organisations in a second write, an updateMany that MongoDB may
// apply to only some of them before it fails (the local store applies it whole). The redelivery of
// the move's state (the unit's write is the mark, so the unit already reflects it) must finish it.
const dbName = `org-directory-${randomBytes(3).toString('hex')}`;

describe('party organisations follow their unit: a cascade applied in part is finished by the redelivery', () => {
  let connection: Connection;
  let units: Model<OrgUnitView>;
  let partyOrgs: Model<PartyOrgRef>;

  beforeAll(async () => {
    connection = await mongoose
      .createConnection(process.env['MONGODB_URI'] ?? '', { dbName, serverSelectionTimeoutMS: 10_000 })
      .asPromise();
    units = connection.model<OrgUnitView>('OrgUnitView', OrgUnitViewSchema);
    partyOrgs = connection.model<PartyOrgRef>('PartyOrgRef', PartyOrgRefSchema);
  });
  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  it('sets the new path on every party organisation of the unit after a failed, partial updateMany', async () => {
    const unit = { unitId: 's1', code: 'S1', name: '一中', kind: 'school' as const, parentId: 'k1', level: 2 };
    const directory = new OrgUnitDirectory(units);
    new PartyOrgDirectory(partyOrgs, directory);
    await directory.apply({ ...unit, path: ['c', 'k1', 's1'], version: 1 }, 'created');
    await partyOrgs.insertMany(
      ['po1', 'po2', 'po3'].map((_id) => ({
        _id,
        unitId: 's1',
        unitPath: ['c', 'k1', 's1'],
        supervisorId: 'k1',
        routing: 'single',
        active: true,
        version: 1,
        lastEventId: 'e0',
      })),
    );
    // The first delivery of the move: the cascade reaches po1 only, then fails.
    const failing = new Proxy(partyOrgs, {
      get(target, prop) {
        if (prop !== 'updateMany') return Reflect.get(target, prop, target) as unknown;
        return async (filter: object, update: object) => {
          await target.updateOne({ ...filter, _id: 'po1' }, update);
          throw new Error('injected: the store applied 1 document of the updateMany, then failed');
        };
      },
    });
    const failingDirectory = new OrgUnitDirectory(units);
    new PartyOrgDirectory(failing, failingDirectory);
    const moved = { ...unit, parentId: 'k2', path: ['c', 'k2', 's1'], version: 2 };
    await expect(failingDirectory.apply(moved, 'moved')).rejects.toThrow('injected');
    expect((await partyOrgs.find().sort({ _id: 1 }).lean()).map((p) => p.unitPath.join('/'))).toEqual(['c/k2/s1', 'c/k1/s1', 'c/k1/s1']);

    // The redelivery: the unit already reflects the move (a duplicate), and the cascade is finished.
    expect(await directory.apply(moved, 'moved')).toBe('duplicate');
    expect((await partyOrgs.find().sort({ _id: 1 }).lean()).map((p) => p.unitPath.join('/'))).toEqual(['c/k2/s1', 'c/k2/s1', 'c/k2/s1']);
    // An older event delivered again changes nothing, not even the party organisations.
    expect(await directory.apply({ ...unit, path: ['c', 'k1', 's1'], version: 1 }, 'created')).toBe('duplicate');
    expect((await partyOrgs.find().lean()).every((p) => p.unitPath.join('/') === 'c/k2/s1')).toBe(true);
  });
});

import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { EventData, OrgUnitCreatedV1 } from '@pb/contracts';
import { ORG_UNIT_REF_MODEL, type OrgUnitRef } from './org-unit-ref.schema.js';

type OrgUnitState = EventData<typeof OrgUnitCreatedV1>;

@Injectable()
export class OrgDirectoryService {
  constructor(@InjectModel(ORG_UNIT_REF_MODEL) private readonly refs: Model<OrgUnitRef>) {}

  /**
   * Applies an org unit's state in one write, guarded by its version: a redelivered or older event
   * matches no row, its upsert collides on `_id`, and nothing changes.
   */
  async apply(state: OrgUnitState, eventId: string): Promise<'applied' | 'stale'> {
    try {
      await this.refs.updateOne(
        { _id: state.unitId, version: { $lt: state.version } },
        {
          $set: {
            code: state.code,
            name: state.name,
            kind: state.kind,
            parentId: state.parentId,
            path: state.path,
            level: state.level,
            version: state.version,
            lastEventId: eventId,
          },
        },
        { upsert: true },
      );
      return 'applied';
    } catch (err) {
      if ((err as { code?: number }).code === 11000) return 'stale';
      throw err;
    }
  }

  find(id: string): Promise<OrgUnitRef | null> {
    return this.refs.findById(id).lean<OrgUnitRef>();
  }
}

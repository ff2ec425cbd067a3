import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { EventData, OrgUnitCreatedV1 } from '@pb/contracts';
import { applyOnce, type ApplyResult } from '@pb/messaging';
import { ORG_UNIT_REF_MODEL, type OrgUnitRef } from './org-unit-ref.schema.js';

type OrgUnitState = EventData<typeof OrgUnitCreatedV1>;

@Injectable()
export class OrgDirectoryService {
  constructor(@InjectModel(ORG_UNIT_REF_MODEL) private readonly refs: Model<OrgUnitRef>) {}

  /**
   * Applies an org unit's state in one write, guarded by its version: a redelivered or older event
   * changes nothing (the document records the version and the event id it reflects).
   */
  apply(state: OrgUnitState, eventId: string): Promise<ApplyResult> {
    const { unitId, code, name, kind, parentId, path, level, version } = state;
    return applyOnce(this.refs.collection, {
      _id: unitId,
      eventId,
      version,
      update: { $set: { code, name, kind, parentId, path, level } },
    });
  }

  find(id: string): Promise<OrgUnitRef | null> {
    return this.refs.findById(id).lean<OrgUnitRef>();
  }
}

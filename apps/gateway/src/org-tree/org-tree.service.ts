import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { EventData, OrgUnitCreatedV1 } from '@pb/contracts';
import { ORG_UNIT_NODE_MODEL, type OrgUnitNode } from './org-unit-node.schema.js';

type OrgUnitState = EventData<typeof OrgUnitCreatedV1>;

/** Subtree questions the gateway answers from its own read model (ARCHITECTURE.md §2: no call to org-registry). */
@Injectable()
export class OrgTreeService {
  constructor(@InjectModel(ORG_UNIT_NODE_MODEL) private readonly nodes: Model<OrgUnitNode>) {}

  /** Applies a unit's state, guarded by version: a replayed or older event changes nothing. */
  async apply(state: OrgUnitState): Promise<void> {
    try {
      await this.nodes.updateOne(
        { _id: state.unitId, version: { $lt: state.version } },
        { $set: { kind: state.kind, parentId: state.parentId, path: state.path, level: state.level, version: state.version } },
        { upsert: true },
      );
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err; // 11000: a newer version is stored
    }
  }

  /** The unit's materialised path (root first), or null for a unit the gateway does not know: `Scope`'s `PathOf`. */
  readonly pathOf = async (unitId: string): Promise<string[] | null> =>
    (await this.nodes.findById(unitId, { path: 1 }).lean<Pick<OrgUnitNode, 'path'>>())?.path ?? null;

  /** Ids of `rootId` and every unit below it. */
  async subtreeIds(rootId: string): Promise<string[]> {
    const rows = await this.nodes.find({ path: rootId }, { _id: 1 }).lean<{ _id: string }[]>();
    return rows.map((r) => r._id);
  }
}

import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model, ProjectionType, QueryFilter } from 'mongoose';
import { applyOnce, type ApplyResult } from '@pb/messaging';
import { paginate, type Page } from '../http/pagination.js';
import type { Bilingual } from '../http/problem.js';
import type { UnitOwnership } from '../scope/ownership.js';
import type { ScopedModel } from '../scope/scoped-model.js';
import type { PathOf, Scope } from '../scope/scope.js';
import { ORG_UNIT_VIEW_MODEL, type OrgUnitState, type OrgUnitView } from './org-unit-view.schema.js';

/** A bureau on a unit's path: its id and whether it is the city bureau or a county bureau. */
export interface BureauRef {
  id: string;
  kind: 'city-bureau' | 'county-bureau';
}

const BUREAU_KINDS: BureauRef['kind'][] = ['city-bureau', 'county-bureau'];

/**
 * What a service does when a unit's state lands: reporting moves its party organisations' paths with
 * their unit. Called after the unit's write, and again on the redelivery of the event the unit reflects,
 * so a follow-up cut short by a crash or a failure is finished (it must be idempotent).
 */
export type OrgUnitFollower = (unit: OrgUnitView) => Promise<void>;

/**
 * The one org-unit read model (docs/adr/0014): each service's copy of the org tree in its own database
 * (`org_units`), fed by `orgs.units.state.v1` (`OrgUnitStateConsumer`). The gateway, reporting and
 * notifications ask it for paths (the `PathOf` of `Scope`), subtrees, children, names and bureaus.
 */
@Injectable()
export class OrgUnitDirectory {
  private readonly followers: OrgUnitFollower[] = [];

  constructor(@InjectModel(ORG_UNIT_VIEW_MODEL) private readonly units: Model<OrgUnitView>) {}

  /** Registers a follow-up of every unit change (see `OrgUnitFollower`). */
  follow(follower: OrgUnitFollower): void {
    this.followers.push(follower);
  }

  /**
   * Applies a unit's state in one write, guarded by its version: a redelivered, replayed or older event
   * changes nothing (the row records the version and the event it reflects). Followers run when the
   * state was applied, or when the row reflects this very event (its redelivery).
   */
  async apply(state: OrgUnitState, eventId: string): Promise<ApplyResult> {
    const { unitId, code, name, kind, parentId, path, level, version } = state;
    const result = await applyOnce(this.units.collection, {
      _id: unitId,
      eventId,
      version,
      update: { $set: { code, name, kind, parentId, path, level, status: state.status ?? 'open', closedOn: state.closedOn ?? null } },
    });
    if (this.followers.length > 0) {
      const unit = await this.units.findById(unitId).lean<OrgUnitView>();
      if (unit && (result === 'applied' || unit.lastEventId === eventId)) {
        for (const follower of this.followers) await follower(unit);
      }
    }
    return result;
  }

  get(unitId: string): Promise<OrgUnitView | null> {
    return this.units.findById(unitId).lean<OrgUnitView>();
  }

  /** The unit's materialised path (root first), or null for a unit this service does not know: `Scope`'s `PathOf`. */
  readonly pathOf: PathOf = async (unitId: string): Promise<string[] | null> =>
    (await this.units.findById(unitId, { path: 1 }).lean<Pick<OrgUnitView, 'path'>>())?.path ?? null;

  /** Ids of `rootId` and every unit below it, closed ones included (their records stay theirs); of one kind when given. */
  async subtreeIds(rootId: string, kind?: OrgUnitView['kind']): Promise<string[]> {
    const rows = await this.units.find({ path: rootId, ...(kind ? { kind } : {}) }, { _id: 1 }).lean<{ _id: string }[]>();
    return rows.map((r) => r._id);
  }

  /**
   * The ownership (docs/adr/0012) of a collection whose documents name their unit in `unitField`, its
   * path from this read model: for `scopedModelProvider(name, OrgUnitDirectory.owning(...), [OrgUnitDirectory])`.
   */
  static owning<T>(unitField: keyof T & string, notFound: Bilingual): (tree: OrgUnitDirectory) => UnitOwnership<T> {
    return (tree) => ({ unitField, pathOf: (unitId) => tree.pathOf(unitId), notFound });
  }

  /** Every unit of `unitId`'s subtree (the caller's own unit by default); 404 when it lies outside the caller's scope. */
  subtreeFor(scope: Scope, unitId?: string): Promise<string[]> {
    return scope.subtree(unitId, this.pathOf, (root) => this.subtreeIds(root));
  }

  /**
   * One page of the documents of `model` that belong to `query.unit`'s subtree (the caller's own unit by
   * default; 404 outside its scope): `unitField` names their unit. Keyset-paged on `order.field`, in
   * ascending order, or newest first (descending) with `newestFirst`; `filter` narrows them further.
   */
  async subtreePage<T, K extends keyof T & string>(
    scope: Scope,
    model: ScopedModel<T>,
    query: { unit?: string; limit?: number; cursor?: string; [param: string]: unknown },
    options: {
      path: string;
      unitField: keyof T & string;
      order: { field: K; newestFirst?: boolean };
      filter?: QueryFilter<T>;
      projection?: ProjectionType<T>;
    },
  ): Promise<Page<T>> {
    const ids = await this.subtreeFor(scope, query.unit);
    const { field, newestFirst = false } = options.order;
    return paginate<T, string | number>(
      query,
      options.path,
      (doc) => doc[field] as string | number,
      (after, take) =>
        model
          .find(
            scope,
            {
              [options.unitField]: { $in: ids },
              ...options.filter,
              ...(after ? { [field]: { [newestFirst ? '$lt' : '$gt']: after } } : {}),
            },
            options.projection,
          )
          .sort({ [field]: newestFirst ? -1 : 1 })
          .limit(take)
          .lean<T[]>(),
    );
  }

  /** The children of a unit, by code (roll-up tables). */
  children(unitId: string): Promise<OrgUnitView[]> {
    return this.units.find({ parentId: unitId }).sort({ code: 1 }).lean<OrgUnitView[]>();
  }

  /** The city bureau: the root of the tree. */
  root(): Promise<OrgUnitView | null> {
    return this.units.findOne({ level: 0 }).lean<OrgUnitView>();
  }

  /** Id -> name for the ids this service knows (texts say "第一中学", not an id). */
  async names(ids: Iterable<string>): Promise<Map<string, string>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const rows = await this.units.find({ _id: { $in: unique } }, { name: 1 }).lean<Pick<OrgUnitView, '_id' | 'name'>[]>();
    return new Map(rows.map((u) => [u._id, u.name]));
  }

  /** The bureaus (city, county) on each path, root first: one read for them all. */
  async bureausOnPaths(paths: readonly (readonly string[])[]): Promise<BureauRef[][]> {
    const ids = [...new Set(paths.flat())];
    const rows = await this.units
      .find({ _id: { $in: ids }, kind: { $in: BUREAU_KINDS } }, { kind: 1 })
      .lean<Pick<OrgUnitView, '_id' | 'kind'>[]>();
    const kinds = new Map(rows.map((u) => [u._id, u.kind as BureauRef['kind']]));
    return paths.map((path) => path.filter((id) => kinds.has(id)).map((id) => ({ id, kind: kinds.get(id)! })));
  }
}

import type { Model, ProjectionType, QueryFilter, QueryOptions, UpdateQuery, UpdateWithAggregationPipeline } from 'mongoose';
import type { Bilingual } from '../http/problem.js';
import type { Scope, SystemScope } from './scope.js';

/** How an org-owned collection records its owner: an array field holding the owning unit's materialised path. */
export interface OrgOwnership<T> {
  /** E.g. `path` (an org unit), `unitPath` (a report). Ids of the owning unit and all its ancestors. */
  pathField: keyof T & string;
  /** The title of the one not-found problem for this collection (e.g. 找不到半月记实表). */
  notFound: Bilingual;
}

/**
 * The only way a service reads or writes an org-owned collection (docs/adr/0012). Every method takes
 * a `Scope` and confines the query to the scope's subtree; a document outside it answers exactly like
 * a missing one (404, the one not-found problem). `unscoped` hands out the raw model to system work
 * only. The lint rule `pb/org-owned` keeps the raw model of a registered collection out of services.
 */
export class ScopedModel<T> {
  constructor(
    private readonly model: Model<T>,
    readonly ownership: OrgOwnership<T>,
  ) {}

  /** The filter confined to the scope's subtree (unchanged for a system scope). */
  where(scope: Scope, filter: QueryFilter<T> = {}): QueryFilter<T> {
    if (scope.isSystem) return filter;
    const own = { [this.ownership.pathField]: scope.orgUnitId } as QueryFilter<T>;
    return this.ownership.pathField in filter ? { $and: [filter, own] } : { ...filter, ...own };
  }

  /**
   * One document by id, or the not-found problem. Looked up by `_id` alone and checked on the
   * document: FerretDB pushes only a bare `_id` filter down to SQLite (docs/adr/0003).
   */
  async get(scope: Scope, id: string, projection: Record<string, 0 | 1> = { outbox: 0 }): Promise<T> {
    const doc = await this.model.findById(id, projection).lean<T>();
    return scope.require(doc, (d) => this.pathOf(d), this.ownership.notFound);
  }

  /** The same, with null for a missing or an unreachable document (the two are not told apart). */
  async lookup(scope: Scope, id: string, projection: Record<string, 0 | 1> = { outbox: 0 }): Promise<T | null> {
    const doc = await this.model.findById(id, projection).lean<T>();
    return doc && scope.reaches(this.pathOf(doc)) ? doc : null;
  }

  private pathOf(doc: T): readonly string[] {
    return doc[this.ownership.pathField] as readonly string[];
  }

  /** Whether the document of this id exists and is reachable, without throwing. */
  async reaches(scope: Scope, id: string): Promise<boolean> {
    return (await this.lookup(scope, id, { [this.ownership.pathField]: 1 })) !== null;
  }

  find(scope: Scope, filter: QueryFilter<T> = {}, projection?: ProjectionType<T>) {
    return this.model.find(this.where(scope, filter), projection);
  }

  findOne(scope: Scope, filter: QueryFilter<T>, projection?: ProjectionType<T>) {
    return this.model.findOne(this.where(scope, filter), projection);
  }

  countDocuments(scope: Scope, filter: QueryFilter<T> = {}) {
    return this.model.countDocuments(this.where(scope, filter));
  }

  updateOne(scope: Scope, filter: QueryFilter<T>, update: UpdateQuery<T> | UpdateWithAggregationPipeline, options?: QueryOptions<T>) {
    return this.model.updateOne(this.where(scope, filter), update, options as never);
  }

  updateMany(scope: Scope, filter: QueryFilter<T>, update: UpdateQuery<T> | UpdateWithAggregationPipeline, options?: QueryOptions<T>) {
    return this.model.updateMany(this.where(scope, filter), update, options as never);
  }

  findOneAndUpdate(scope: Scope, filter: QueryFilter<T>, update: UpdateQuery<T>, options?: QueryOptions<T>) {
    return this.model.findOneAndUpdate(this.where(scope, filter), update, options);
  }

  /**
   * The raw model, for system work only (event handlers, schedulers, the outbox relay, inserting a
   * document whose owner the service has just checked). A caller's scope does not type-check here.
   */
  unscoped(_system: SystemScope): Model<T> {
    return this.model;
  }
}

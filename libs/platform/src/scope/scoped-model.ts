import type { Model, ProjectionType, QueryFilter, QueryOptions, UpdateQuery, UpdateWithAggregationPipeline } from 'mongoose';
import { notFoundProblem } from './scope.js';
import { Ownership, type OrgOwnership } from './ownership.js';
import type { Scope, SystemScope } from './scope.js';

/**
 * The only way a service reads or writes an org-owned collection (docs/adr/0012). Every method takes
 * a `Scope` and confines the query to the scope's subtree; a document outside it answers exactly like
 * a missing one (404, the one not-found problem). `unscoped` hands out the raw model to system work
 * only. The lint rule `pb/org-owned` keeps the raw model of a registered collection out of services.
 */
export class ScopedModel<T> {
  private readonly rule: Ownership<T>;

  constructor(
    private readonly model: Model<T>,
    readonly ownership: OrgOwnership<T>,
  ) {
    this.rule = new Ownership(ownership, model.modelName);
  }

  /** The filter confined to the scope (unchanged for a system scope); see `Ownership.where`. */
  where(scope: Scope, filter: QueryFilter<T> = {}): QueryFilter<T> {
    return this.rule.where(scope, filter);
  }

  /**
   * One document by id, or the not-found problem. Looked up by `_id` alone and checked on the
   * document: FerretDB pushes only a bare `_id` filter down to SQLite (docs/adr/0003).
   */
  async get(scope: Scope, id: string, projection: Record<string, 0 | 1> = { outbox: 0 }): Promise<T> {
    const doc = await this.lookup(scope, id, projection);
    if (!doc) throw notFoundProblem(this.ownership.notFound);
    return doc;
  }

  /** The same, with null for a missing or an unreachable document (the two are not told apart). */
  async lookup(scope: Scope, id: string, projection: Record<string, 0 | 1> = { outbox: 0 }): Promise<T | null> {
    const doc = await this.model.findById(id, withFields(projection, this.rule.fields)).lean<T>();
    return doc && (await this.rule.reaches(scope, doc)) ? doc : null;
  }

  /** Whether the document of this id exists and is reachable, without throwing. */
  async reaches(scope: Scope, id: string): Promise<boolean> {
    return (await this.lookup(scope, id, this.rule.fields)) !== null;
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

/** An inclusive projection widened by the fields the scope check reads (an exclusive one already has them). */
export function withFields(projection: Record<string, 0 | 1>, fields: Record<string, 1>): Record<string, 0 | 1> {
  return Object.values(projection).includes(1) ? { ...projection, ...fields } : projection;
}

import type { Document, Filter, FindOptions, UpdateFilter, UpdateOptions } from 'mongodb';
// mongoose's driver collection (`connection.collection(NAME)`), what the platform's helpers take.
import type { Collection } from 'mongoose';
import { Ownership, type OrgOwnership } from './ownership.js';
import { notFoundProblem, type Scope, type SystemScope } from './scope.js';
import { withFields } from './scoped-model.js';

/**
 * `ScopedModel` for a native driver collection (`connection.collection(NAME)`): the same ownership,
 * the same not-found problem, the same way out (`unscoped(Scope.system('why'))`) for workers,
 * consumers and schedulers (docs/adr/0012). `pb/org-owned` refuses `.collection(NAME)` of a registered name.
 */
export class ScopedCollection<T extends Document> {
  private readonly rule: Ownership<T>;

  constructor(
    private readonly collection: Collection<T>,
    readonly ownership: OrgOwnership<T>,
  ) {
    this.rule = new Ownership(ownership, collection.collectionName);
  }

  where(scope: Scope, filter: Filter<T> = {}): Filter<T> {
    return this.rule.where(scope, filter) as Filter<T>;
  }

  /** One document by id, or the not-found problem (looked up by `_id` alone, checked on the document). */
  async get(scope: Scope, id: string, projection: Record<string, 0 | 1> = {}): Promise<T> {
    const doc = await this.lookup(scope, id, projection);
    if (!doc) throw notFoundProblem(this.ownership.notFound);
    return doc;
  }

  /** The same, with null for a missing or an unreachable document (the two are not told apart). */
  async lookup(scope: Scope, id: string, projection: Record<string, 0 | 1> = {}): Promise<T | null> {
    const doc = (await this.collection.findOne({ _id: id } as Filter<T>, {
      projection: withFields(projection, this.rule.fields),
    })) as T | null;
    return doc && (await this.rule.reaches(scope, doc)) ? doc : null;
  }

  find(scope: Scope, filter: Filter<T> = {}, options?: FindOptions) {
    return this.collection.find(this.where(scope, filter), options);
  }

  findOne(scope: Scope, filter: Filter<T>, options?: FindOptions) {
    return this.collection.findOne(this.where(scope, filter), options);
  }

  countDocuments(scope: Scope, filter: Filter<T> = {}) {
    return this.collection.countDocuments(this.where(scope, filter));
  }

  updateOne(scope: Scope, filter: Filter<T>, update: UpdateFilter<T>, options?: UpdateOptions) {
    return this.collection.updateOne(this.where(scope, filter), update, options);
  }

  updateMany(scope: Scope, filter: Filter<T>, update: UpdateFilter<T>, options?: UpdateOptions) {
    return this.collection.updateMany(this.where(scope, filter), update, options);
  }

  /** The raw collection, for system work only (inserts by the dispatcher, the delivery worker). */
  unscoped(_system: SystemScope): Collection<T> {
    return this.collection;
  }
}

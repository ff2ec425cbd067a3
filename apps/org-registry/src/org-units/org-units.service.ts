import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import type { AnyBulkWriteOperation } from 'mongoose';
import type { BatchCreateOrgUnitsDto, CloseOrgUnitDto, CreateOrgUnitDto } from '@pb/contracts';
import { OutboxRelay, type OutboxEvent } from '@pb/messaging';
import { checkIfMatch, InjectScopedModel, pageOf, Scope, type Page, type PageRequest, type ScopedModel } from '@pb/platform';
import { today } from '../common/dates.js';
import { insertOrFail, Leases } from '@pb/persistence';
import { conflict, notFound, ruleBroken } from '../common/problems.js';
import { requireAdmin } from '../common/scope.js';
import { registryAudit } from '../common/audit.js';
import { PartyOrgsFollower } from '../party-orgs/party-orgs.follower.js';
import { unitEvents } from './org-unit.events.js';
import { ORG_UNIT_MODEL, type OrgUnit, type OrgUnitHistoryEntry } from './org-unit.schema.js';
import { mayHaveParent, rewrittenPath, startsWith } from './tree.js';
import { TreeReader, UNIT_NOT_FOUND } from './tree.reader.js';

export type OrgUnitView = Omit<OrgUnit, '_id' | 'outbox' | 'history' | 'pendingMove' | 'cityId'> & { id: string };

const NO_OUTBOX = { outbox: 0, history: 0 } as const;
/** Descendant rewrites per bulkWrite: one round trip each on MongoDB. */
const CHUNK = 500;
/** A move larger than this is refused: split it (the events of one move are published together). */
export const MAX_MOVE_UNITS = 20_000;
/** A move of more descendants answers 202 once its root has moved, and the subtree follows after. */
export const MOVE_FOLLOWS_AFTER = 100;

export type MoveResult = OrgUnitView & { moveId: string; descendants: number; following: boolean };

export function view(doc: OrgUnit): OrgUnitView {
  const { _id, outbox: _o, history: _h, pendingMove: _p, cityId: _c, ...rest } = doc;
  return { id: _id, ...rest };
}

const duplicate = (field = '/code') =>
  conflict({ zh: '单位代码或标识已存在', en: 'An org unit with this code or id already exists' }, [
    { pointer: field, rule: 'unique', message: { zh: '代码在全市内必须唯一', en: 'code must be unique within the city' } },
  ]);

const kindRule = (kind: string, parentKind: string) =>
  ruleBroken({ zh: '上级单位类型不符', en: 'This kind of unit cannot sit under that parent' }, [
    {
      pointer: '/parentId',
      rule: 'parent-kind',
      message: { zh: `${kind} 不能设在 ${parentKind} 之下`, en: `a ${kind} cannot sit under a ${parentKind}` },
    },
  ]);

/** A moved unit's subtree follows it (after the move's answer, or at the next start): no caller's work. */
const FOLLOW = Scope.system('org tree: a moved subtree follows its root');
/** Ids and codes are unique across the city, beyond any caller's subtree. */
const UNIQUE = Scope.system('org units: ids and codes already taken in the city');

/** 组织单位 The org tree: create, rename, move (the subtree follows), close; every change an event. */
@Injectable()
export class OrgUnitsService implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger('OrgUnits');

  constructor(
    @InjectScopedModel(ORG_UNIT_MODEL) private readonly units: ScopedModel<OrgUnit>,
    private readonly tree: TreeReader,
    private readonly leases: Leases,
    private readonly partyOrgs: PartyOrgsFollower,
    private readonly relay: OutboxRelay,
  ) {}

  onModuleInit() {
    this.relay.register(this.units.unscoped(Scope.system('outbox relay')));
  }

  /** Finishes moves a crash interrupted (their root still carries `pendingMove`). */
  onApplicationBootstrap() {
    void this.resumeMoves().catch((err: unknown) => this.logger.error(`resuming moves failed: ${String(err)}`));
  }

  async resumeMoves(): Promise<number> {
    const pending = await this.units
      .find(FOLLOW, { pendingMove: { $ne: null } }, { _id: 1, cityId: 1 })
      .lean<Pick<OrgUnit, '_id' | 'cityId'>[]>();
    for (const p of pending) {
      this.logger.warn(`finishing the interrupted move of ${p._id}`);
      await this.leases.withLease(`org-tree:${p.cityId}`, (renew) => this.finishMove(p._id, renew));
    }
    return pending.length;
  }

  async get(id: string, scope: Scope): Promise<OrgUnitView> {
    return view(await this.tree.unitInScopeForRead(id, scope));
  }

  async history(id: string, scope: Scope): Promise<OrgUnitHistoryEntry[]> {
    return (await this.units.get(scope, id, { history: 1, path: 1 })).history;
  }

  async children(id: string, scope: Scope, page: PageRequest): Promise<Page<OrgUnitView>> {
    await this.tree.unitInScopeForRead(id, scope);
    return this.page(scope, { parentId: id }, page);
  }

  /** Every unit below `id` (not `id` itself), in id order, one page at a time. */
  async subtree(id: string, scope: Scope, page: PageRequest, filter: { kind?: string; status?: string } = {}): Promise<Page<OrgUnitView>> {
    await this.tree.unitInScopeForRead(id, scope);
    return this.page(scope, { path: id, _id: { $ne: id }, ...filter }, page);
  }

  private async page(scope: Scope, filter: Record<string, unknown>, page: PageRequest): Promise<Page<OrgUnitView>> {
    const query: Record<string, unknown> = { ...filter };
    if (page.after) query['_id'] = { ...(query['_id'] ?? {}), $gt: page.after[0] };
    const docs = await this.units
      .find(scope, query, NO_OUTBOX)
      .sort({ _id: 1 })
      .limit(page.limit + 1)
      .lean<OrgUnit[]>();
    return pageOf(docs.map(view), page.limit, (u) => [u.id]);
  }

  async create(input: CreateOrgUnitDto, scope: Scope, correlationId?: string): Promise<OrgUnitView> {
    requireAdmin(scope, { zh: '只有市、县教育局管理员可以建立组织单位', en: 'Only city or county administrators create org units' });
    const id = input.id ?? randomUUID();
    if (input.parentId == null) {
      // The city bureau is the root: created once, by the city administrator whose account names it.
      if (input.kind !== 'city-bureau' || !scope.has('city-admin') || scope.orgUnitId !== id) throw notFound(UNIT_NOT_FOUND);
      return this.leases.withLease(`org-tree:${id}`, async () => {
        const doc = this.newUnit(input, id, [id], id, scope, correlationId);
        await this.insert([doc]);
        return view(doc);
      });
    }
    const parentId = input.parentId;
    const city = (await this.tree.unitInScope(parentId, scope)).cityId;
    return this.leases.withLease(`org-tree:${city}`, async () => {
      const parent = await this.tree.unitInScope(parentId, scope);
      this.checkParent(input.kind, parent);
      const doc = this.newUnit(input, id, [...parent.path, id], parent.cityId, scope, correlationId);
      await this.insert([doc]);
      return view(doc);
    });
  }

  /**
   * Many units in one request (a bureau's school list, the demo seed): each gets its own events, as
   * one insert. Parents may be earlier in the batch. Units whose id already exists with the same code
   * are skipped, so a batch can be sent again after a failure.
   */
  async createBatch(input: BatchCreateOrgUnitsDto, scope: Scope, correlationId?: string): Promise<{ created: number; existing: number }> {
    requireAdmin(scope, { zh: '只有市、县教育局管理员可以建立组织单位', en: 'Only city or county administrators create org units' });
    const firstParent = input.units.find((u) => u.parentId != null)?.parentId;
    if (!firstParent) throw ruleBroken({ zh: '批量建立需要上级单位', en: 'A batch needs parents' }, []);
    const city = (await this.tree.unitInScope(firstParent, scope)).cityId;
    return this.leases.withLease(`org-tree:${city}`, async () => {
      const ids = input.units.map((u) => u.id ?? randomUUID());
      const existing = new Map(
        (await this.units.find(UNIQUE, { _id: { $in: ids } }, { code: 1, path: 1 }).lean<Pick<OrgUnit, '_id' | 'code' | 'path'>[]>()).map(
          (d) => [d._id, d],
        ),
      );
      const known = new Map<string, OrgUnit>();
      const docs: OrgUnit[] = [];
      let skipped = 0;
      for (const [i, u] of input.units.entries()) {
        const id = ids[i];
        const there = existing.get(id);
        if (there) {
          if (there.code !== u.code || !scope.reaches(there.path)) throw duplicate(`/units/${i}/id`);
          skipped++;
          continue;
        }
        if (u.parentId == null) throw ruleBroken({ zh: '批量建立不能建立市教育局', en: 'A batch cannot create a city bureau' }, []);
        const parent = known.get(u.parentId) ?? (await this.tree.unitInScope(u.parentId, scope));
        if (parent.cityId !== city) throw notFound(UNIT_NOT_FOUND);
        known.set(parent._id, parent);
        this.checkParent(u.kind, parent);
        const doc = this.newUnit(u, id, [...parent.path, id], city, scope, correlationId);
        known.set(id, doc);
        docs.push(doc);
      }
      const codes = docs.map((d) => d.code);
      if (new Set(codes).size !== codes.length) throw duplicate();
      if (docs.length > 0 && (await this.units.countDocuments(UNIQUE, { cityId: city, code: { $in: codes } })) > 0) throw duplicate();
      await this.insert(docs);
      return { created: docs.length, existing: skipped };
    });
  }

  private checkParent(kind: OrgUnit['kind'], parent: OrgUnit) {
    if (parent.status !== 'open') {
      throw conflict({ zh: '上级单位已撤销', en: 'The parent unit is closed' });
    }
    if (!mayHaveParent(kind, parent.kind)) throw kindRule(kind, parent.kind);
  }

  private newUnit(input: CreateOrgUnitDto, id: string, path: string[], cityId: string, scope: Scope, correlationId?: string): OrgUnit {
    const now = new Date();
    const doc: OrgUnit = {
      _id: id,
      cityId,
      code: input.code,
      name: input.name,
      kind: input.kind,
      parentId: input.parentId ?? null,
      path,
      level: path.length - 1,
      version: 1,
      status: 'open',
      openedOn: input.openedOn ?? today(),
      closedOn: null,
      history: [{ version: 1, change: 'created', at: now, by: scope.accountId, name: input.name, path }],
      createdAt: now,
      updatedAt: now,
      outbox: [],
    };
    doc.outbox = [...unitEvents(doc, { kind: 'created' }, correlationId), this.audit('created', null, doc, scope, correlationId)];
    return doc;
  }

  /**
   * The audit record of a write to one unit, for its outbox beside the unit's events: it travels in
   * the same document write as the change (docs/adr/0007). The unit is its own audit unit.
   */
  private audit(
    verb: 'created' | 'renamed' | 'moved' | 'closed',
    before: OrgUnit | null,
    after: OrgUnit,
    scope: Scope,
    correlationId?: string,
  ): OutboxEvent {
    return registryAudit({ type: 'org-unit', id: after._id, unitId: after._id }, verb, before, after, scope, correlationId);
  }

  private async insert(docs: OrgUnit[]) {
    // Places in the service's outbox sequence, so the relay keeps write order per key (ADR 0008).
    await this.relay.sequence(...docs.flatMap((d) => d.outbox));
    // Each document carries its state and its events: one write, neither without the other.
    await insertOrFail(
      () =>
        this.units.unscoped(Scope.system('org units: insert units under checked parents')).insertMany(docs, { ordered: true, lean: true }),
      duplicate,
    );
    this.relay.nudge();
  }

  async rename(id: string, name: string, scope: Scope, correlationId?: string, ifMatch?: string): Promise<OrgUnitView> {
    requireAdmin(scope, { zh: '只有市、县教育局管理员可以更名', en: 'Only city or county administrators rename org units' });
    return this.inTree(id, scope, async (unit) => {
      checkIfMatch(ifMatch, unit.version);
      if (unit.name === name) return view(unit);
      const next = { ...unit, name, version: unit.version + 1 };
      const entry: OrgUnitHistoryEntry = {
        version: next.version,
        change: 'renamed',
        at: new Date(),
        by: scope.accountId,
        name,
        previousName: unit.name,
      };
      await this.units.updateOne(
        scope,
        { _id: id },
        {
          $set: { name, version: next.version },
          $push: {
            history: entry,
            outbox: {
              $each: [
                ...unitEvents(next, { kind: 'renamed', previousName: unit.name }, correlationId),
                this.audit('renamed', unit, next, scope, correlationId),
              ],
            },
          },
        },
      );
      this.relay.nudge();
      return view(next);
    });
  }

  /** A unit closes (never deleted) once it has no open children and no open party organisations. */
  async close(id: string, input: CloseOrgUnitDto, scope: Scope, correlationId?: string, ifMatch?: string): Promise<OrgUnitView> {
    requireAdmin(scope, { zh: '只有市、县教育局管理员可以撤销单位', en: 'Only city or county administrators close org units' });
    return this.inTree(id, scope, async (unit) => {
      checkIfMatch(ifMatch, unit.version);
      if (unit.status === 'closed') throw conflict({ zh: '单位已撤销', en: 'The unit is already closed' });
      if (input.closedOn < unit.openedOn) {
        throw ruleBroken({ zh: '撤销日期早于开办日期', en: 'The closing date is before the opening date' }, [
          {
            pointer: '/closedOn',
            rule: 'after-opening',
            message: { zh: `应不早于 ${unit.openedOn}`, en: `must be on or after ${unit.openedOn}` },
          },
        ]);
      }
      const openChildren = await this.units.countDocuments(scope, { parentId: id, status: 'open' });
      if (openChildren > 0) {
        throw conflict({ zh: `尚有 ${openChildren} 个下级单位未撤销`, en: `${openChildren} child unit(s) are still open` }, [
          { pointer: '/', rule: 'no-open-children', message: { zh: '请先撤销或迁出下级单位', en: 'close or move the child units first' } },
        ]);
      }
      const openOrgs = await this.partyOrgs.openCount(id, scope);
      if (openOrgs > 0) {
        throw conflict({ zh: `尚有 ${openOrgs} 个党组织未撤销`, en: `${openOrgs} party organisation(s) are still open` }, [
          { pointer: '/', rule: 'no-open-party-orgs', message: { zh: '请先撤销党组织', en: 'close its party organisations first' } },
        ]);
      }
      const next = { ...unit, status: 'closed' as const, closedOn: input.closedOn, version: unit.version + 1 };
      const entry: OrgUnitHistoryEntry = {
        version: next.version,
        change: 'closed',
        at: new Date(),
        by: scope.accountId,
        closedOn: input.closedOn,
      };
      await this.units.updateOne(
        scope,
        { _id: id },
        {
          $set: { status: 'closed', closedOn: input.closedOn, version: next.version },
          $push: {
            history: entry,
            outbox: {
              $each: [...unitEvents(next, { kind: 'closed' }, correlationId), this.audit('closed', unit, next, scope, correlationId)],
            },
          },
        },
      );
      this.relay.nudge();
      return view(next);
    });
  }

  /**
   * Moves a unit under a new parent; its whole subtree follows (paths, levels), and the party
   * organisations in it follow to the new supervising bureau where the old one is no longer above
   * them. Every unit and organisation that changes gets its own events, keyed by its own id.
   */
  async move(id: string, parentId: string, scope: Scope, correlationId?: string, ifMatch?: string): Promise<MoveResult> {
    requireAdmin(scope, { zh: '只有市、县教育局管理员可以迁移单位', en: 'Only city or county administrators move org units' });
    // The answer comes once the root has moved; a large subtree follows after it, still under the
    // tree lease (so no other change of the tree interleaves), and a crash leaves the root's
    // `pendingMove`, which the next start finishes.
    let answer!: (result: MoveResult) => void;
    let refuse!: (err: unknown) => void;
    const answered = new Promise<MoveResult>((resolve, reject) => {
      answer = resolve;
      refuse = reject;
    });
    let replied = false;
    const work = this.inTree(id, scope, async (unit, renew) => {
      checkIfMatch(ifMatch, unit.version);
      const parent = await this.tree.unitInScope(parentId, scope);
      if (unit.parentId === null) throw ruleBroken({ zh: '市教育局不能迁移', en: 'The city bureau cannot move' }, []);
      if (unit.status !== 'open') throw conflict({ zh: '单位已撤销', en: 'The unit is closed' });
      if (parent.path.includes(id)) {
        throw ruleBroken({ zh: '不能迁到自己的下级单位之下', en: 'A unit cannot move under its own subtree' }, [
          { pointer: '/parentId', rule: 'no-cycle', message: { zh: '新上级单位在本单位之下', en: 'the new parent lies below this unit' } },
        ]);
      }
      if (parent._id === unit.parentId) throw conflict({ zh: '已在该上级单位之下', en: 'The unit is already under that parent' });
      this.checkParent(unit.kind, parent);
      const descendants = await this.units.countDocuments(scope, { path: id, _id: { $ne: id } });
      if (descendants + 1 > MAX_MOVE_UNITS) {
        throw ruleBroken({ zh: '迁移的单位过多', en: 'Too many units in one move' }, [
          { pointer: '/', rule: 'max-move-size', message: { zh: `最多 ${MAX_MOVE_UNITS} 个`, en: `at most ${MAX_MOVE_UNITS}` } },
        ]);
      }
      const moveId = randomUUID();
      const path = [...parent.path, id];
      const next = { ...unit, parentId: parent._id, path, level: path.length - 1, version: unit.version + 1 };
      const entry: OrgUnitHistoryEntry = {
        version: next.version,
        change: 'moved',
        at: new Date(),
        by: scope.accountId,
        path,
        previousPath: unit.path,
        moveId,
      };
      // The move is audited once, here on its root: the descendants' path rewrites follow from it.
      const events = [
        ...unitEvents(
          next,
          { kind: 'moved', previousParentId: unit.parentId, previousPath: unit.path, moveId, moveRootId: id },
          correlationId,
        ),
        this.audit('moved', unit, next, scope, correlationId),
      ];
      // The root's new place and the marker that its subtree must follow, in one write: a crash
      // after it leaves the marker, and the next start finishes the move.
      await this.units.updateOne(
        scope,
        { _id: id },
        {
          $set: {
            parentId: parent._id,
            path,
            level: next.level,
            version: next.version,
            pendingMove: { moveId, previousPath: unit.path, by: scope.accountId, ...(correlationId ? { correlationId } : {}) },
          },
          $push: { history: entry, outbox: { $each: events } },
        },
      );
      this.tree.changed();
      const moved = { ...view(next), moveId, descendants };
      if (descendants > MOVE_FOLLOWS_AFTER) {
        this.relay.nudge();
        replied = true;
        answer({ ...moved, following: true });
      }
      await this.finishMove(id, renew);
      this.relay.nudge();
      if (!replied) answer({ ...moved, following: false });
    });
    work.catch((err: unknown) => {
      if (!replied) return refuse(err);
      this.logger.error(`the subtree of ${id} did not finish following its move: ${String(err)}; trying again in 5 s`);
      setTimeout(
        () => void this.resumeMoves().catch((e: unknown) => this.logger.error(`resuming moves failed: ${String(e)}`)),
        5_000,
      ).unref();
    });
    return answered;
  }

  /**
   * Makes the subtree of a moved unit follow it. Idempotent: descendants whose path already starts
   * with the root's new path are left alone, so a resumed move rewrites only what is missing.
   */
  private async finishMove(rootId: string, renew: () => Promise<void>): Promise<void> {
    const root = await this.units.lookup(FOLLOW, rootId, NO_OUTBOX);
    if (!root?.pendingMove) return;
    const { moveId, by, correlationId } = root.pendingMove;
    const descendants = await this.units.find(FOLLOW, { path: rootId, _id: { $ne: rootId } }, NO_OUTBOX).lean<OrgUnit[]>();
    const stale = descendants.filter((d) => !startsWith(d.path, root.path));
    const newPaths = new Map<string, string[]>([[rootId, root.path]]);
    for (const d of descendants) newPaths.set(d._id, startsWith(d.path, root.path) ? d.path : rewrittenPath(d.path, rootId, root.path));
    const at = new Date();
    const ops: AnyBulkWriteOperation<OrgUnit>[] = stale.map((d) => {
      const path = newPaths.get(d._id)!;
      const next = { ...d, path, level: path.length - 1, version: d.version + 1 };
      const entry: OrgUnitHistoryEntry = { version: next.version, change: 'moved', at, by, path, previousPath: d.path, moveId };
      const events = unitEvents(
        next,
        { kind: 'moved', previousParentId: d.parentId, previousPath: d.path, moveId, moveRootId: rootId },
        correlationId,
      );
      return {
        updateOne: {
          filter: { _id: d._id },
          update: { $set: { path, level: next.level, version: next.version }, $push: { history: entry, outbox: { $each: events } } },
        },
      };
    });
    for (let i = 0; i < ops.length; i += CHUNK) {
      await this.units.unscoped(FOLLOW).bulkWrite(ops.slice(i, i + CHUNK), { ordered: false });
      this.tree.changed();
      await renew();
      this.relay.nudge();
    }
    await this.partyOrgs.followMove(newPaths, { moveId, ...(correlationId ? { correlationId } : {}) }, renew);
    await this.units.updateOne(FOLLOW, { _id: rootId }, { $set: { pendingMove: null } });
  }

  /**
   * Runs a change of one unit holding its city's tree lease, on the unit as read inside the lease; the
   * replica's kept units are forgotten once it is written (`TreeReader.changed`).
   */
  private async inTree<T>(id: string, scope: Scope, change: (unit: OrgUnit, renew: () => Promise<void>) => Promise<T>): Promise<T> {
    const city = (await this.tree.unitInScope(id, scope)).cityId;
    return this.leases.withLease(`org-tree:${city}`, async (renew) => {
      try {
        return await change(await this.tree.unitInScope(id, scope), renew);
      } finally {
        this.tree.changed();
      }
    });
  }
}

import { randomUUID } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { OrgUnitCreatedV1, type CreateOrgUnitDto } from '@pb/contracts';
import { OutboxRelay, pendingEvent } from '@pb/messaging';
import { auditWriteEvent, ProblemException, type Identity } from '@pb/platform';
import { ORG_UNIT_MODEL, type OrgUnit } from './org-unit.schema.js';

export type OrgUnitView = Omit<OrgUnit, '_id' | 'outbox'> & { id: string };

const notFound = () =>
  new ProblemException(404, 'https://partybuilding.edu.cn/problems/not-found', { zh: '找不到組織單位', en: 'Org unit not found' });

function view(doc: OrgUnit): OrgUnitView {
  const { _id, outbox: _outbox, ...rest } = doc;
  return { id: _id, ...rest };
}

@Injectable()
export class OrgUnitsService implements OnModuleInit {
  constructor(
    @InjectModel(ORG_UNIT_MODEL) private readonly units: Model<OrgUnit>,
    private readonly relay: OutboxRelay,
  ) {}

  onModuleInit() {
    this.relay.register(this.units);
  }

  /** A unit the caller may see: inside the caller's own subtree, else 404 (never 403: no existence leak). */
  async get(id: string, caller: Identity): Promise<OrgUnitView> {
    const doc = await this.units.findOne({ _id: id, path: caller.orgUnitId }, { outbox: 0 }).lean<OrgUnit>();
    if (!doc) throw notFound();
    return view(doc);
  }

  async create(input: CreateOrgUnitDto, caller: Identity, correlationId?: string): Promise<OrgUnitView> {
    if (!caller.roles.some((r) => r === 'city-admin' || r === 'county-admin')) {
      throw new ProblemException(403, 'https://partybuilding.edu.cn/problems/forbidden', {
        zh: '只有市、縣教育局管理員可以建立組織單位',
        en: 'Only city or county administrators create org units',
      });
    }
    const id = input.id ?? randomUUID();
    let path: string[];
    if (input.parentId == null) {
      // The city bureau is the root: created once, by the city administrator whose account names it.
      if (input.kind !== 'city-bureau' || !caller.roles.includes('city-admin') || caller.orgUnitId !== id) throw notFound();
      path = [id];
    } else {
      const parent = await this.units.findOne({ _id: input.parentId, path: caller.orgUnitId }, { path: 1 }).lean<OrgUnit>();
      if (!parent) throw notFound();
      path = [...parent.path, id];
    }
    const doc = {
      _id: id,
      code: input.code,
      name: input.name,
      kind: input.kind,
      parentId: input.parentId ?? null,
      path,
      level: path.length - 1,
      version: 1,
    };
    const event = pendingEvent(OrgUnitCreatedV1, {
      key: id,
      subject: `org-units/${id}`,
      data: { unitId: id, code: doc.code, name: doc.name, kind: doc.kind, parentId: doc.parentId, path, level: doc.level, version: 1 },
      ...(correlationId ? { correlationId } : {}),
    });
    const audit = auditWriteEvent({
      service: 'org-registry',
      actor: caller,
      action: 'org-unit.created',
      resourceType: 'org-unit',
      resourceId: id,
      unitId: id,
      before: null,
      after: doc,
      ...(correlationId ? { correlationId } : {}),
    });
    try {
      // The state, its event and its audit record in one single-document write: none exists without the others.
      await this.units.create({ ...doc, outbox: [event, audit] });
    } catch (err) {
      if ((err as { code?: number }).code === 11000) {
        throw new ProblemException(
          409,
          'https://partybuilding.edu.cn/problems/duplicate',
          { zh: '單位代碼或標識已存在', en: 'An org unit with this code or id already exists' },
          undefined,
          [{ pointer: '/code', rule: 'unique', message: { zh: '代碼在全市內必須唯一', en: 'code must be unique within the city' } }],
        );
      }
      throw err;
    }
    this.relay.nudge();
    const saved = await this.units.findById(id, { outbox: 0 }).lean<OrgUnit>();
    return view(saved!);
  }
}

import { Controller, Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Payload } from '@nestjs/microservices';
import type { Collection, Connection } from 'mongoose';
import { OrgUnitCreatedV1, OrgUnitMovedV1, OrgUnitRenamedV1, type EventData } from '@pb/contracts';
import { OnEvent } from '@pb/messaging';
import { C } from '../store.js';

interface UnitRef {
  _id: string;
  name: string;
  kind: string;
  path: string[];
  version: number;
}

/** The org unit ids a notice's text names: the unit it is about, and params such as `bureauId`. */
export function unitIdsOf(unitId: string, params: Record<string, unknown>): string[] {
  const ids = [unitId];
  for (const [k, v] of Object.entries(params)) if (typeof v === 'string' && (k === 'bureauId' || k.endsWith('UnitId'))) ids.push(v);
  return ids;
}

/** Names and paths of org units (templates say "第一中学", the log checks a subtree), fed by org-registry's events. */
@Injectable()
export class UnitDirectory {
  constructor(@InjectConnection() private readonly connection: Connection) {}

  private get units(): Collection<UnitRef> {
    return this.connection.collection<UnitRef>(C.units);
  }

  /** Keeps the newest state of a unit (events carry the whole state and its version). */
  async apply(data: { unitId: string; name: string; kind: string; path: string[]; version: number }): Promise<void> {
    const current = await this.units.findOne({ _id: data.unitId }, { projection: { version: 1 } });
    if (current && current.version >= data.version) return;
    await this.units.replaceOne(
      { _id: data.unitId },
      { name: data.name, kind: data.kind, path: data.path, version: data.version },
      { upsert: true },
    );
  }

  /** The unit's path from the city, root first, or null when the directory does not know it. */
  async pathOf(unitId: string): Promise<string[] | null> {
    return (await this.units.findOne({ _id: unitId }, { projection: { path: 1 } }))?.path ?? null;
  }

  /** Id -> name for the ids the directory knows. */
  async names(ids: Iterable<string>): Promise<Map<string, string>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const docs = await this.units.find({ _id: { $in: unique } }, { projection: { name: 1 } }).toArray();
    return new Map(docs.map((d) => [d._id, d.name]));
  }
}

@Controller()
export class UnitDirectoryConsumer {
  constructor(private readonly directory: UnitDirectory) {}

  @OnEvent(OrgUnitCreatedV1)
  created(@Payload() data: EventData<typeof OrgUnitCreatedV1>) {
    return this.directory.apply(data);
  }

  @OnEvent(OrgUnitRenamedV1)
  renamed(@Payload() data: EventData<typeof OrgUnitCreatedV1>) {
    return this.directory.apply(data);
  }

  @OnEvent(OrgUnitMovedV1)
  moved(@Payload() data: EventData<typeof OrgUnitCreatedV1>) {
    return this.directory.apply(data);
  }
}

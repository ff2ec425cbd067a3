import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { OrgUnitClosedV1, OrgUnitCreatedV1, OrgUnitMovedV1, OrgUnitRenamedV1, type EventData } from '@pb/contracts';
import { OnEvent } from '@pb/messaging';
import { OrgTreeService } from './org-tree.service.js';

type OrgUnitState = EventData<typeof OrgUnitCreatedV1>;

/**
 * Keeps the gateway's org-tree read model from org-registry's events. Every org-unit event carries the
 * unit's full state and version, so each is one version-guarded upsert: a move (one event per unit of
 * the moved subtree) re-scopes accounts, keys and audit entries below it. The compacted state topic
 * repeats every change; the change events alone keep the model whole, at half the records.
 */
@Controller()
export class OrgTreeConsumer {
  constructor(private readonly tree: OrgTreeService) {}

  @OnEvent(OrgUnitCreatedV1)
  async onCreated(@Payload() data: OrgUnitState) {
    await this.tree.apply(data);
  }

  @OnEvent(OrgUnitRenamedV1)
  async onRenamed(@Payload() data: EventData<typeof OrgUnitRenamedV1>) {
    await this.tree.apply(data);
  }

  @OnEvent(OrgUnitMovedV1)
  async onMoved(@Payload() data: EventData<typeof OrgUnitMovedV1>) {
    await this.tree.apply(data);
  }

  @OnEvent(OrgUnitClosedV1)
  async onClosed(@Payload() data: EventData<typeof OrgUnitClosedV1>) {
    await this.tree.apply(data);
  }
}

import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { OrgUnitCreatedV1, type EventData } from '@pb/contracts';
import { OnEvent } from '@pb/messaging';
import { OrgTreeService } from './org-tree.service.js';

/** Keeps the gateway's org-tree read model from org-registry's events. */
@Controller()
export class OrgTreeConsumer {
  constructor(private readonly tree: OrgTreeService) {}

  @OnEvent(OrgUnitCreatedV1)
  async onOrgUnitCreated(@Payload() data: EventData<typeof OrgUnitCreatedV1>) {
    await this.tree.apply(data);
  }
}

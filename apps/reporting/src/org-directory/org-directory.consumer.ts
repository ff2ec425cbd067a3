import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { OrgUnitCreatedV1, type EventData } from '@pb/contracts';
import { CloudEventContext, OnEvent } from '@pb/messaging';
import { OrgDirectoryService } from './org-directory.service.js';

@Controller()
export class OrgDirectoryConsumer {
  constructor(private readonly directory: OrgDirectoryService) {}

  @OnEvent(OrgUnitCreatedV1)
  async onOrgUnitCreated(@Payload() data: EventData<typeof OrgUnitCreatedV1>, @Ctx() ctx: CloudEventContext) {
    return this.directory.apply(data, ctx.event.id);
  }
}

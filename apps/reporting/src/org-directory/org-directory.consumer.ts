import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import {
  OrgUnitClosedV1,
  OrgUnitCreatedV1,
  OrgUnitMovedV1,
  OrgUnitRenamedV1,
  PartyOrgAffiliationChangedV1,
  PartyOrgClosedV1,
  PartyOrgCreatedV1,
  PartyOrgUpdatedV1,
  type EventData,
} from '@pb/contracts';
import { CloudEventContext, OnEvent } from '@pb/messaging';
import { OrgDirectoryService } from './org-directory.service.js';

type UnitState = EventData<typeof OrgUnitCreatedV1>;
type PartyOrgState = EventData<typeof PartyOrgCreatedV1>;

/** Keeps reporting's read model of the org tree and of party organisations' affiliation from org-registry's events. */
@Controller()
export class OrgDirectoryConsumer {
  constructor(private readonly directory: OrgDirectoryService) {}

  private unit(data: UnitState, ctx: CloudEventContext) {
    return this.directory.apply(data, ctx.event.id);
  }

  private partyOrg(data: PartyOrgState, ctx: CloudEventContext) {
    return this.directory.applyPartyOrgState(
      {
        partyOrgId: data.partyOrgId,
        unitId: data.unitId,
        supervisorId: data.supervisorId,
        routing: data.routing,
        reviewerIds: data.reviewerIds,
        active: data.status === 'open',
        version: data.version,
      },
      ctx.event.id,
    );
  }

  @OnEvent(OrgUnitCreatedV1)
  onUnitCreated(@Payload() data: UnitState, @Ctx() ctx: CloudEventContext) {
    return this.unit(data, ctx);
  }

  @OnEvent(OrgUnitRenamedV1)
  onUnitRenamed(@Payload() data: EventData<typeof OrgUnitRenamedV1>, @Ctx() ctx: CloudEventContext) {
    return this.unit(data, ctx);
  }

  @OnEvent(OrgUnitMovedV1)
  onUnitMoved(@Payload() data: EventData<typeof OrgUnitMovedV1>, @Ctx() ctx: CloudEventContext) {
    return this.unit(data, ctx);
  }

  @OnEvent(OrgUnitClosedV1)
  onUnitClosed(@Payload() data: EventData<typeof OrgUnitClosedV1>, @Ctx() ctx: CloudEventContext) {
    return this.unit(data, ctx);
  }

  @OnEvent(PartyOrgCreatedV1)
  onPartyOrgCreated(@Payload() data: PartyOrgState, @Ctx() ctx: CloudEventContext) {
    return this.partyOrg(data, ctx);
  }

  @OnEvent(PartyOrgUpdatedV1)
  onPartyOrgUpdated(@Payload() data: EventData<typeof PartyOrgUpdatedV1>, @Ctx() ctx: CloudEventContext) {
    return this.partyOrg(data, ctx);
  }

  @OnEvent(PartyOrgAffiliationChangedV1)
  onAffiliationChanged(@Payload() data: EventData<typeof PartyOrgAffiliationChangedV1>, @Ctx() ctx: CloudEventContext) {
    return this.partyOrg(data, ctx);
  }

  @OnEvent(PartyOrgClosedV1)
  onPartyOrgClosed(@Payload() data: PartyOrgState, @Ctx() ctx: CloudEventContext) {
    return this.partyOrg(data, ctx);
  }
}

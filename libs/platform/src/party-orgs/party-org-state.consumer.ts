import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { PartyOrgAffiliationChangedV1, PartyOrgClosedV1, PartyOrgCreatedV1, PartyOrgUpdatedV1, type EventData } from '@pb/contracts';
import { CloudEventContext, OnEvent } from '@pb/messaging';
import { PartyOrgDirectory } from './party-org-directory.js';

type PartyOrgState = EventData<typeof PartyOrgCreatedV1>;

/** Keeps a service's read model of party organisations' affiliation from org-registry's events (units: `OrgUnitsReadModule`). */
@Controller()
export class PartyOrgStateConsumer {
  constructor(private readonly directory: PartyOrgDirectory) {}

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

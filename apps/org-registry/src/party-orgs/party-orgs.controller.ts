import { Controller } from '@nestjs/common';
import { Routes } from '@pb/contracts';
import { Handle, Call, type RouteCall } from '@pb/platform';
import { PartyOrgsService } from './party-orgs.service.js';

@Controller()
export class PartyOrgsController {
  constructor(private readonly partyOrgs: PartyOrgsService) {}

  @Handle(Routes.getOrgUnitsPartyOrgs)
  ofUnit(@Call() call: RouteCall<typeof Routes.getOrgUnitsPartyOrgs>) {
    return this.partyOrgs.listForUnit(call.params.id, call.scope);
  }

  @Handle(Routes.postPartyOrgs)
  create(@Call() call: RouteCall<typeof Routes.postPartyOrgs>) {
    return this.partyOrgs.create(call.body, call.scope, call.requestId);
  }

  @Handle(Routes.getPartyOrgsOne)
  async get(@Call() call: RouteCall<typeof Routes.getPartyOrgsOne>) {
    return call.versioned(await this.partyOrgs.get(call.params.id, call.scope));
  }

  @Handle(Routes.patchPartyOrgs)
  async update(@Call() call: RouteCall<typeof Routes.patchPartyOrgs>) {
    return call.versioned(await this.partyOrgs.update(call.params.id, call.body, call.scope, call.requestId, call.ifMatch));
  }

  @Handle(Routes.putPartyOrgsAffiliation)
  async setAffiliation(@Call() call: RouteCall<typeof Routes.putPartyOrgsAffiliation>) {
    return call.versioned(await this.partyOrgs.setAffiliation(call.params.id, call.body, call.scope, call.requestId, call.ifMatch));
  }

  @Handle(Routes.postPartyOrgsClose)
  async close(@Call() call: RouteCall<typeof Routes.postPartyOrgsClose>) {
    return call.versioned(await this.partyOrgs.close(call.params.id, call.body, call.scope, call.requestId, call.ifMatch));
  }
}

import { Controller } from '@nestjs/common';
import { Routes } from '@pb/contracts';
import { Handle, pageRequest, Call, type RouteCall } from '@pb/platform';
import { MembersService } from './members.service.js';

@Controller()
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Handle(Routes.getMembersFlagged)
  flagged(@Call() call: RouteCall<typeof Routes.getMembersFlagged>) {
    return this.members.flagged(call.scope, pageRequest(call.query));
  }

  @Handle(Routes.getMembersOne)
  async get(@Call() call: RouteCall<typeof Routes.getMembersOne>) {
    return call.versioned(await this.members.get(call.params.id, call.scope));
  }

  @Handle(Routes.postMembersMilestones)
  async record(@Call() call: RouteCall<typeof Routes.postMembersMilestones>) {
    return call.versioned(await this.members.recordMilestone(call.params.id, call.body, call.scope, call.requestId, call.ifMatch));
  }

  @Handle(Routes.postMembersTransfer)
  async transfer(@Call() call: RouteCall<typeof Routes.postMembersTransfer>) {
    return call.versioned(await this.members.transfer(call.params.id, call.body, call.scope, call.requestId, call.ifMatch));
  }

  @Handle(Routes.getPartyOrgsMembers)
  ofBranch(@Call() call: RouteCall<typeof Routes.getPartyOrgsMembers>) {
    return this.members.listForBranch(call.params.id, call.scope, pageRequest(call.query), call.query.status);
  }

  @Handle(Routes.postPartyOrgsMembers)
  register(@Call() call: RouteCall<typeof Routes.postPartyOrgsMembers>) {
    return this.members.register(call.params.id, call.body, call.scope, call.requestId);
  }
}

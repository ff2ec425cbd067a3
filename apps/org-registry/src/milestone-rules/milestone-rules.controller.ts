import { Controller } from '@nestjs/common';
import { Routes } from '@pb/contracts';
import { etagOf, Handle, Call, type RouteCall } from '@pb/platform';
import { MilestoneRulesService } from './milestone-rules.service.js';

@Controller()
export class MilestoneRulesController {
  constructor(private readonly rules: MilestoneRulesService) {}

  @Handle(Routes.getOrgUnitsMilestoneRules)
  async get(@Call() call: RouteCall<typeof Routes.getOrgUnitsMilestoneRules>) {
    const { rules, ownVersion } = await this.rules.get(call.params.id, call.scope);
    void call.reply.header('etag', etagOf(ownVersion));
    return rules;
  }

  @Handle(Routes.putOrgUnitsMilestoneRules)
  async set(@Call() call: RouteCall<typeof Routes.putOrgUnitsMilestoneRules>) {
    return call.versioned(await this.rules.set(call.params.id, call.body, call.scope, call.requestId, call.ifMatch));
  }
}

import { Body, Controller, Headers, Param, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type MilestoneRuleSet, Routes } from '@pb/contracts';
import { CurrentIdentity, etagOf, withEtag, type Identity, Handle } from '@pb/platform';
import { Scope } from '../common/scope.js';
import { MilestoneRulesService } from './milestone-rules.service.js';

@Controller()
export class MilestoneRulesController {
  constructor(private readonly rules: MilestoneRulesService) {}

  @Handle(Routes.getOrgUnitsMilestoneRules)
  async get(@Param('id') id: string, @CurrentIdentity() caller: Identity, @Res({ passthrough: true }) reply: FastifyReply) {
    const { rules, ownVersion } = await this.rules.get(id, Scope.of(caller));
    void reply.header('etag', etagOf(ownVersion));
    return rules;
  }

  @Handle(Routes.putOrgUnitsMilestoneRules)
  async set(
    @Param('id') id: string,
    @Body() body: MilestoneRuleSet,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.rules.set(id, body, Scope.of(caller), req.id, ifMatch));
  }
}

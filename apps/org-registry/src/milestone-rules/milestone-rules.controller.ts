import { Body, Controller, Get, Headers, Param, Put, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MilestoneRuleSetSchema, type MilestoneRuleSet } from '@pb/contracts';
import { ALL_ROLES, CurrentIdentity, etagOf, Roles, SchemaPipe, withEtag, type Identity } from '@pb/platform';
import { Scope } from '../common/scope.js';
import { MilestoneRulesService } from './milestone-rules.service.js';

@Controller('api/v1/org-units/:id/milestone-rules')
export class MilestoneRulesController {
  constructor(private readonly rules: MilestoneRulesService) {}

  @Get()
  @Roles(...ALL_ROLES)
  async get(@Param('id') id: string, @CurrentIdentity() caller: Identity, @Res({ passthrough: true }) reply: FastifyReply) {
    const { rules, ownVersion } = await this.rules.get(id, Scope.of(caller));
    void reply.header('etag', etagOf(ownVersion));
    return rules;
  }

  @Put()
  @Roles('city-admin', 'county-admin')
  async set(
    @Param('id') id: string,
    @Body(new SchemaPipe<MilestoneRuleSet>(MilestoneRuleSetSchema)) body: MilestoneRuleSet,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.rules.set(id, body, Scope.of(caller), req.id, ifMatch));
  }
}

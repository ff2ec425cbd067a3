import { Body, Controller, Get, Param, Put, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { MilestoneRuleSetSchema, type MilestoneRuleSet } from '@pb/contracts';
import { ALL_ROLES, CurrentIdentity, Roles, SchemaPipe, type Identity } from '@pb/platform';
import { Scope } from '../common/scope.js';
import { MilestoneRulesService } from './milestone-rules.service.js';

@Controller('api/v1/org-units/:id/milestone-rules')
export class MilestoneRulesController {
  constructor(private readonly rules: MilestoneRulesService) {}

  @Get()
  @Roles(...ALL_ROLES)
  get(@Param('id') id: string, @CurrentIdentity() caller: Identity) {
    return this.rules.get(id, Scope.of(caller));
  }

  @Put()
  @Roles('city-admin', 'county-admin')
  set(
    @Param('id') id: string,
    @Body(new SchemaPipe<MilestoneRuleSet>(MilestoneRuleSetSchema)) body: MilestoneRuleSet,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
  ) {
    return this.rules.set(id, body, Scope.of(caller), req.id);
  }
}

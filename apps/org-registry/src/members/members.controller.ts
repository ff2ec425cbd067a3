import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import {
  RecordMilestoneSchema,
  RegisterMemberSchema,
  TransferMemberSchema,
  type RecordMilestoneDto,
  type RegisterMemberDto,
  type TransferMemberDto,
} from '@pb/contracts';
import { CurrentIdentity, Roles, SchemaPipe, type Identity } from '@pb/platform';
import { pageRequest } from '../common/paging.js';
import { Scope } from '../common/scope.js';
import { MembersService } from './members.service.js';

@Controller('api/v1')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Get('members/flagged')
  @Roles('city-admin', 'county-admin', 'inspector')
  flagged(@Query() query: { cursor?: string; limit?: string }, @CurrentIdentity() caller: Identity) {
    return this.members.flagged(Scope.of(caller), pageRequest(query, 50));
  }

  @Get('members/:id')
  @Roles('city-admin', 'county-admin', 'school-secretary', 'inspector')
  get(@Param('id') id: string, @CurrentIdentity() caller: Identity) {
    return this.members.get(id, Scope.of(caller));
  }

  @Post('members/:id/milestones')
  @Roles('city-admin', 'county-admin', 'school-secretary')
  @HttpCode(200)
  record(
    @Param('id') id: string,
    @Body(new SchemaPipe<RecordMilestoneDto>(RecordMilestoneSchema)) body: RecordMilestoneDto,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
  ) {
    return this.members.recordMilestone(id, body, Scope.of(caller), req.id);
  }

  @Post('members/:id/transfer')
  @Roles('city-admin', 'county-admin', 'school-secretary')
  @HttpCode(200)
  transfer(
    @Param('id') id: string,
    @Body(new SchemaPipe<TransferMemberDto>(TransferMemberSchema)) body: TransferMemberDto,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
  ) {
    return this.members.transfer(id, body, Scope.of(caller), req.id);
  }

  @Get('party-orgs/:id/members')
  @Roles('city-admin', 'county-admin', 'school-secretary', 'inspector')
  ofBranch(@Param('id') id: string, @Query() query: { cursor?: string; limit?: string; status?: string }, @CurrentIdentity() caller: Identity) {
    return this.members.listForBranch(id, Scope.of(caller), pageRequest(query), query.status);
  }

  @Post('party-orgs/:id/members')
  @Roles('city-admin', 'county-admin', 'school-secretary')
  @HttpCode(201)
  register(
    @Param('id') id: string,
    @Body(new SchemaPipe<RegisterMemberDto>(RegisterMemberSchema)) body: RegisterMemberDto,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
  ) {
    return this.members.register(id, body, Scope.of(caller), req.id);
  }
}

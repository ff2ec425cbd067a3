import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  RecordMilestoneSchema,
  RegisterMemberSchema,
  TransferMemberSchema,
  type RecordMilestoneDto,
  type RegisterMemberDto,
  type TransferMemberDto,
} from '@pb/contracts';
import { CurrentIdentity, Roles, SchemaPipe, withEtag, type Identity } from '@pb/platform';
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
  async get(@Param('id') id: string, @CurrentIdentity() caller: Identity, @Res({ passthrough: true }) reply: FastifyReply) {
    return withEtag(reply, await this.members.get(id, Scope.of(caller)));
  }

  @Post('members/:id/milestones')
  @Roles('city-admin', 'county-admin', 'school-secretary')
  @HttpCode(200)
  async record(
    @Param('id') id: string,
    @Body(new SchemaPipe<RecordMilestoneDto>(RecordMilestoneSchema)) body: RecordMilestoneDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.members.recordMilestone(id, body, Scope.of(caller), req.id, ifMatch));
  }

  @Post('members/:id/transfer')
  @Roles('city-admin', 'county-admin', 'school-secretary')
  @HttpCode(200)
  async transfer(
    @Param('id') id: string,
    @Body(new SchemaPipe<TransferMemberDto>(TransferMemberSchema)) body: TransferMemberDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.members.transfer(id, body, Scope.of(caller), req.id, ifMatch));
  }

  @Get('party-orgs/:id/members')
  @Roles('city-admin', 'county-admin', 'school-secretary', 'inspector')
  ofBranch(
    @Param('id') id: string,
    @Query() query: { cursor?: string; limit?: string; status?: string },
    @CurrentIdentity() caller: Identity,
  ) {
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

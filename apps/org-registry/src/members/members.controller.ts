import { Body, Controller, Headers, Param, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type RecordMilestoneDto, type RegisterMemberDto, type TransferMemberDto, Routes } from '@pb/contracts';
import { CurrentIdentity, withEtag, type Identity, Handle, pageRequest } from '@pb/platform';
import { Scope } from '../common/scope.js';
import { MembersService } from './members.service.js';

@Controller()
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Handle(Routes.getMembersFlagged)
  flagged(@Query() query: { cursor?: string; limit?: string }, @CurrentIdentity() caller: Identity) {
    return this.members.flagged(Scope.of(caller), pageRequest(query));
  }

  @Handle(Routes.getMembersOne)
  async get(@Param('id') id: string, @CurrentIdentity() caller: Identity, @Res({ passthrough: true }) reply: FastifyReply) {
    return withEtag(reply, await this.members.get(id, Scope.of(caller)));
  }

  @Handle(Routes.postMembersMilestones)
  async record(
    @Param('id') id: string,
    @Body() body: RecordMilestoneDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.members.recordMilestone(id, body, Scope.of(caller), req.id, ifMatch));
  }

  @Handle(Routes.postMembersTransfer)
  async transfer(
    @Param('id') id: string,
    @Body() body: TransferMemberDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.members.transfer(id, body, Scope.of(caller), req.id, ifMatch));
  }

  @Handle(Routes.getPartyOrgsMembers)
  ofBranch(
    @Param('id') id: string,
    @Query() query: { cursor?: string; limit?: string; status?: string },
    @CurrentIdentity() caller: Identity,
  ) {
    return this.members.listForBranch(id, Scope.of(caller), pageRequest(query), query.status);
  }

  @Handle(Routes.postPartyOrgsMembers)
  register(@Param('id') id: string, @Body() body: RegisterMemberDto, @CurrentIdentity() caller: Identity, @Req() req: FastifyRequest) {
    return this.members.register(id, body, Scope.of(caller), req.id);
  }
}

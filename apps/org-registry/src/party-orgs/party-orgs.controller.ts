import { Body, Controller, Headers, Param, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type ClosePartyOrgDto, type CreatePartyOrgDto, type SetAffiliationDto, type UpdatePartyOrgDto, Routes } from '@pb/contracts';
import { CurrentIdentity, withEtag, type Identity, Handle } from '@pb/platform';
import { Scope } from '../common/scope.js';
import { PartyOrgsService } from './party-orgs.service.js';

@Controller()
export class PartyOrgsController {
  constructor(private readonly partyOrgs: PartyOrgsService) {}

  @Handle(Routes.getOrgUnitsPartyOrgs)
  ofUnit(@Param('id') unitId: string, @CurrentIdentity() caller: Identity) {
    return this.partyOrgs.listForUnit(unitId, Scope.of(caller));
  }

  @Handle(Routes.postPartyOrgs)
  create(@Body() body: CreatePartyOrgDto, @CurrentIdentity() caller: Identity, @Req() req: FastifyRequest) {
    return this.partyOrgs.create(body, Scope.of(caller), req.id);
  }

  @Handle(Routes.getPartyOrgsOne)
  async get(@Param('id') id: string, @CurrentIdentity() caller: Identity, @Res({ passthrough: true }) reply: FastifyReply) {
    return withEtag(reply, await this.partyOrgs.get(id, Scope.of(caller)));
  }

  @Handle(Routes.patchPartyOrgs)
  async update(
    @Param('id') id: string,
    @Body() body: UpdatePartyOrgDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.partyOrgs.update(id, body, Scope.of(caller), req.id, ifMatch));
  }

  @Handle(Routes.putPartyOrgsAffiliation)
  async setAffiliation(
    @Param('id') id: string,
    @Body() body: SetAffiliationDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.partyOrgs.setAffiliation(id, body, Scope.of(caller), req.id, ifMatch));
  }

  @Handle(Routes.postPartyOrgsClose)
  async close(
    @Param('id') id: string,
    @Body() body: ClosePartyOrgDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.partyOrgs.close(id, body, Scope.of(caller), req.id, ifMatch));
  }
}

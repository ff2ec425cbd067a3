import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Put, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  ClosePartyOrgSchema,
  CreatePartyOrgSchema,
  SetAffiliationSchema,
  UpdatePartyOrgSchema,
  type ClosePartyOrgDto,
  type CreatePartyOrgDto,
  type SetAffiliationDto,
  type UpdatePartyOrgDto,
} from '@pb/contracts';
import { ALL_ROLES, CurrentIdentity, Roles, SchemaPipe, withEtag, type Identity } from '@pb/platform';
import { Scope } from '../common/scope.js';
import { PartyOrgsService } from './party-orgs.service.js';

@Controller('api/v1')
export class PartyOrgsController {
  constructor(private readonly partyOrgs: PartyOrgsService) {}

  @Get('org-units/:id/party-orgs')
  @Roles(...ALL_ROLES)
  ofUnit(@Param('id') unitId: string, @CurrentIdentity() caller: Identity) {
    return this.partyOrgs.listForUnit(unitId, Scope.of(caller));
  }

  @Post('party-orgs')
  @Roles('city-admin', 'county-admin')
  @HttpCode(201)
  create(
    @Body(new SchemaPipe<CreatePartyOrgDto>(CreatePartyOrgSchema)) body: CreatePartyOrgDto,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
  ) {
    return this.partyOrgs.create(body, Scope.of(caller), req.id);
  }

  @Get('party-orgs/:id')
  @Roles(...ALL_ROLES)
  async get(@Param('id') id: string, @CurrentIdentity() caller: Identity, @Res({ passthrough: true }) reply: FastifyReply) {
    return withEtag(reply, await this.partyOrgs.get(id, Scope.of(caller)));
  }

  @Patch('party-orgs/:id')
  @Roles('city-admin', 'county-admin', 'school-secretary')
  async update(
    @Param('id') id: string,
    @Body(new SchemaPipe<UpdatePartyOrgDto>(UpdatePartyOrgSchema)) body: UpdatePartyOrgDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.partyOrgs.update(id, body, Scope.of(caller), req.id, ifMatch));
  }

  @Put('party-orgs/:id/affiliation')
  @Roles('city-admin', 'county-admin')
  async setAffiliation(
    @Param('id') id: string,
    @Body(new SchemaPipe<SetAffiliationDto>(SetAffiliationSchema)) body: SetAffiliationDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.partyOrgs.setAffiliation(id, body, Scope.of(caller), req.id, ifMatch));
  }

  @Post('party-orgs/:id/close')
  @Roles('city-admin', 'county-admin')
  @HttpCode(200)
  async close(
    @Param('id') id: string,
    @Body(new SchemaPipe<ClosePartyOrgDto>(ClosePartyOrgSchema)) body: ClosePartyOrgDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.partyOrgs.close(id, body, Scope.of(caller), req.id, ifMatch));
  }
}

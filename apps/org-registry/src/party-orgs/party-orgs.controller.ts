import { Body, Controller, Get, HttpCode, Param, Patch, Post, Put, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
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
import { ALL_ROLES, CurrentIdentity, Roles, SchemaPipe, type Identity } from '@pb/platform';
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
  create(@Body(new SchemaPipe<CreatePartyOrgDto>(CreatePartyOrgSchema)) body: CreatePartyOrgDto, @CurrentIdentity() caller: Identity, @Req() req: FastifyRequest) {
    return this.partyOrgs.create(body, Scope.of(caller), req.id);
  }

  @Get('party-orgs/:id')
  @Roles(...ALL_ROLES)
  get(@Param('id') id: string, @CurrentIdentity() caller: Identity) {
    return this.partyOrgs.get(id, Scope.of(caller));
  }

  @Patch('party-orgs/:id')
  @Roles('city-admin', 'county-admin', 'school-secretary')
  update(
    @Param('id') id: string,
    @Body(new SchemaPipe<UpdatePartyOrgDto>(UpdatePartyOrgSchema)) body: UpdatePartyOrgDto,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
  ) {
    return this.partyOrgs.update(id, body, Scope.of(caller), req.id);
  }

  @Put('party-orgs/:id/affiliation')
  @Roles('city-admin', 'county-admin')
  setAffiliation(
    @Param('id') id: string,
    @Body(new SchemaPipe<SetAffiliationDto>(SetAffiliationSchema)) body: SetAffiliationDto,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
  ) {
    return this.partyOrgs.setAffiliation(id, body, Scope.of(caller), req.id);
  }

  @Post('party-orgs/:id/close')
  @Roles('city-admin', 'county-admin')
  @HttpCode(200)
  close(
    @Param('id') id: string,
    @Body(new SchemaPipe<ClosePartyOrgDto>(ClosePartyOrgSchema)) body: ClosePartyOrgDto,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
  ) {
    return this.partyOrgs.close(id, body, Scope.of(caller), req.id);
  }
}

import { Body, Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ALL_ROLES, CurrentIdentity, etagOf, Roles, SchemaPipe, type Identity } from '@pb/platform';
import { CreateOrgUnitSchema, type CreateOrgUnitDto } from '@pb/contracts';
import { OrgUnitsService, type OrgUnitView } from './org-units.service.js';

/** Internal API of org units; the gateway forwards to it with the caller's verified identity. */
@Controller('api/v1/org-units')
export class OrgUnitsController {
  constructor(private readonly units: OrgUnitsService) {}

  @Post()
  @HttpCode(201)
  @Roles('city-admin', 'county-admin')
  create(
    @Body(new SchemaPipe<CreateOrgUnitDto>(CreateOrgUnitSchema)) body: CreateOrgUnitDto,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
  ): Promise<OrgUnitView> {
    return this.units.create(body, caller, req.id);
  }

  @Get(':id')
  @Roles(...ALL_ROLES)
  async get(
    @Param('id') id: string,
    @CurrentIdentity() caller: Identity,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OrgUnitView> {
    const unit = await this.units.get(id, caller);
    void reply.header('etag', etagOf(unit.version));
    return unit;
  }
}

import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { CurrentIdentity, SchemaPipe, type Identity } from '@pb/platform';
import { CreateOrgUnitSchema, type CreateOrgUnitDto } from '@pb/contracts';
import { OrgUnitsService, type OrgUnitView } from './org-units.service.js';

/** Internal API of org units; the gateway forwards to it with the caller's verified identity. */
@Controller('api/v1/org-units')
export class OrgUnitsController {
  constructor(private readonly units: OrgUnitsService) {}

  @Post()
  @HttpCode(201)
  create(
    @Body(new SchemaPipe<CreateOrgUnitDto>(CreateOrgUnitSchema)) body: CreateOrgUnitDto,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
  ): Promise<OrgUnitView> {
    return this.units.create(body, caller, req.id);
  }

  @Get(':id')
  get(@Param('id') id: string, @CurrentIdentity() caller: Identity): Promise<OrgUnitView> {
    return this.units.get(id, caller);
  }
}

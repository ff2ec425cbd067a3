import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  BatchCreateOrgUnitsSchema,
  CloseOrgUnitSchema,
  CreateOrgUnitSchema,
  MoveOrgUnitSchema,
  RenameOrgUnitSchema,
  type BatchCreateOrgUnitsDto,
  type CloseOrgUnitDto,
  type CreateOrgUnitDto,
  type MoveOrgUnitDto,
  type RenameOrgUnitDto,
} from '@pb/contracts';
import { ALL_ROLES, CurrentIdentity, Roles, SchemaPipe, withEtag, type Identity } from '@pb/platform';
import { pageRequest } from '../common/paging.js';
import { Scope } from '../common/scope.js';
import { OrgUnitsService } from './org-units.service.js';

type PageQuery = { cursor?: string; limit?: string; kind?: string; status?: string };

/** Internal API of org units; the gateway forwards to it with the caller's verified identity. */
@Controller('api/v1/org-units')
export class OrgUnitsController {
  constructor(private readonly units: OrgUnitsService) {}

  @Post()
  @Roles('city-admin', 'county-admin')
  @HttpCode(201)
  create(
    @Body(new SchemaPipe<CreateOrgUnitDto>(CreateOrgUnitSchema)) body: CreateOrgUnitDto,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
  ) {
    return this.units.create(body, Scope.of(caller), req.id);
  }

  @Post('batch')
  @Roles('city-admin', 'county-admin')
  @HttpCode(201)
  createBatch(
    @Body(new SchemaPipe<BatchCreateOrgUnitsDto>(BatchCreateOrgUnitsSchema)) body: BatchCreateOrgUnitsDto,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
  ) {
    return this.units.createBatch(body, Scope.of(caller), req.id);
  }

  @Get(':id')
  @Roles(...ALL_ROLES)
  async get(@Param('id') id: string, @CurrentIdentity() caller: Identity, @Res({ passthrough: true }) reply: FastifyReply) {
    return withEtag(reply, await this.units.get(id, Scope.of(caller)));
  }

  @Get(':id/children')
  @Roles(...ALL_ROLES)
  children(@Param('id') id: string, @Query() query: PageQuery, @CurrentIdentity() caller: Identity) {
    return this.units.children(id, Scope.of(caller), pageRequest(query));
  }

  @Get(':id/subtree')
  @Roles(...ALL_ROLES)
  subtree(@Param('id') id: string, @Query() query: PageQuery, @CurrentIdentity() caller: Identity) {
    const filter = { ...(query.kind ? { kind: query.kind } : {}), ...(query.status ? { status: query.status } : {}) };
    return this.units.subtree(id, Scope.of(caller), pageRequest(query), filter);
  }

  @Get(':id/history')
  @Roles(...ALL_ROLES)
  history(@Param('id') id: string, @CurrentIdentity() caller: Identity) {
    return this.units.history(id, Scope.of(caller));
  }

  @Patch(':id')
  @Roles('city-admin', 'county-admin')
  async rename(
    @Param('id') id: string,
    @Body(new SchemaPipe<RenameOrgUnitDto>(RenameOrgUnitSchema)) body: RenameOrgUnitDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.units.rename(id, body.name, Scope.of(caller), req.id, ifMatch));
  }

  @Post(':id/move')
  @Roles('city-admin', 'county-admin')
  @HttpCode(200)
  async move(
    @Param('id') id: string,
    @Body(new SchemaPipe<MoveOrgUnitDto>(MoveOrgUnitSchema)) body: MoveOrgUnitDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const result = await this.units.move(id, body.parentId, Scope.of(caller), req.id, ifMatch);
    // 202 while a large subtree is still following (its units show the new path as they are rewritten).
    if (result.following) void reply.status(202);
    return withEtag(reply, result);
  }

  @Post(':id/close')
  @Roles('city-admin', 'county-admin')
  @HttpCode(200)
  async close(
    @Param('id') id: string,
    @Body(new SchemaPipe<CloseOrgUnitDto>(CloseOrgUnitSchema)) body: CloseOrgUnitDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.units.close(id, body, Scope.of(caller), req.id, ifMatch));
  }
}

import { Body, Controller, Headers, Param, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  type BatchCreateOrgUnitsDto,
  type CloseOrgUnitDto,
  type CreateOrgUnitDto,
  type MoveOrgUnitDto,
  type RenameOrgUnitDto,
  Routes,
} from '@pb/contracts';
import { CurrentIdentity, withEtag, type Identity, Handle, pageRequest } from '@pb/platform';
import { Scope } from '../common/scope.js';
import { OrgUnitsService } from './org-units.service.js';

type PageQuery = { cursor?: string; limit?: string; kind?: string; status?: string };

/** Internal API of org units; the gateway forwards to it with the caller's verified identity. */
@Controller()
export class OrgUnitsController {
  constructor(private readonly units: OrgUnitsService) {}

  @Handle(Routes.postOrgUnits)
  create(@Body() body: CreateOrgUnitDto, @CurrentIdentity() caller: Identity, @Req() req: FastifyRequest) {
    return this.units.create(body, Scope.of(caller), req.id);
  }

  @Handle(Routes.postOrgUnitsBatch)
  createBatch(@Body() body: BatchCreateOrgUnitsDto, @CurrentIdentity() caller: Identity, @Req() req: FastifyRequest) {
    return this.units.createBatch(body, Scope.of(caller), req.id);
  }

  @Handle(Routes.getOrgUnitsOne)
  async get(@Param('id') id: string, @CurrentIdentity() caller: Identity, @Res({ passthrough: true }) reply: FastifyReply) {
    return withEtag(reply, await this.units.get(id, Scope.of(caller)));
  }

  @Handle(Routes.getOrgUnitsChildren)
  children(@Param('id') id: string, @Query() query: PageQuery, @CurrentIdentity() caller: Identity) {
    return this.units.children(id, Scope.of(caller), pageRequest(query));
  }

  @Handle(Routes.getOrgUnitsSubtree)
  subtree(@Param('id') id: string, @Query() query: PageQuery, @CurrentIdentity() caller: Identity) {
    const filter = { ...(query.kind ? { kind: query.kind } : {}), ...(query.status ? { status: query.status } : {}) };
    return this.units.subtree(id, Scope.of(caller), pageRequest(query), filter);
  }

  @Handle(Routes.getOrgUnitsHistory)
  history(@Param('id') id: string, @CurrentIdentity() caller: Identity) {
    return this.units.history(id, Scope.of(caller));
  }

  @Handle(Routes.patchOrgUnits)
  async rename(
    @Param('id') id: string,
    @Body() body: RenameOrgUnitDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.units.rename(id, body.name, Scope.of(caller), req.id, ifMatch));
  }

  @Handle(Routes.postOrgUnitsMove)
  async move(
    @Param('id') id: string,
    @Body() body: MoveOrgUnitDto,
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

  @Handle(Routes.postOrgUnitsClose)
  async close(
    @Param('id') id: string,
    @Body() body: CloseOrgUnitDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.units.close(id, body, Scope.of(caller), req.id, ifMatch));
  }
}

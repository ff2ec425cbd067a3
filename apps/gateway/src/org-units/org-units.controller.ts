import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CreateOrgUnitSchema, OrgUnitViewSchema } from '@pb/contracts';
import { ALL_ROLES, CurrentIdentity, Roles, type Identity } from '@pb/platform';
import { Forwarder } from '../upstream/forward.js';

@ApiTags('org-units 組織單位')
@Controller('api/v1/org-units')
export class OrgUnitsController {
  constructor(private readonly forward: Forwarder) {}

  @Post()
  @Roles('city-admin', 'county-admin')
  @ApiOperation({
    summary: 'Create an org unit 建立組織單位',
    description: 'City and county administrators add bureaus, schools and units under their own subtree. 市、縣管理員在本轄區內新增單位。',
  })
  @ApiBody({ schema: CreateOrgUnitSchema as object })
  @ApiResponse({ status: 201, schema: OrgUnitViewSchema as object, description: 'Created 已建立' })
  @ApiResponse({ status: 409, description: 'Code or id taken 代碼或標識已存在' })
  create(@Body() body: unknown, @CurrentIdentity() identity: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.forward.to('org-registry', req, reply, identity, body);
  }

  @Get(':id')
  @Roles(...ALL_ROLES)
  @ApiOperation({ summary: 'Read an org unit of your subtree 查看本轄區單位', description: "Another subtree's unit answers 404. 非本轄區單位返回 404。" })
  @ApiParam({ name: 'id', description: 'Org unit id 單位標識' })
  @ApiResponse({ status: 200, schema: OrgUnitViewSchema as object, headers: { ETag: { schema: { type: 'string' }, description: 'Version 版本' } } })
  get(@Param('id') _id: string, @CurrentIdentity() identity: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.forward.to('org-registry', req, reply, identity);
  }
}

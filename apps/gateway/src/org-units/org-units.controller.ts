import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CreateOrgUnitSchema, OrgUnitViewSchema } from '@pb/contracts';
import { CurrentIdentity, type Identity } from '@pb/platform';
import { Forwarder } from '../upstream/forward.js';

const PROBLEM = { description: 'application/problem+json' };

@ApiTags('org-units 組織單位')
@ApiBearerAuth()
@Controller('api/v1/org-units')
export class OrgUnitsController {
  constructor(private readonly forward: Forwarder) {}

  @Post()
  @ApiOperation({
    summary: 'Create an org unit 建立組織單位',
    description: 'City and county administrators add bureaus, schools and units under their own subtree. 市、縣管理員在本轄區內新增單位。',
  })
  @ApiBody({ schema: CreateOrgUnitSchema as object })
  @ApiResponse({ status: 201, schema: OrgUnitViewSchema as object, description: 'Created 已建立' })
  @ApiResponse({ status: 400, ...PROBLEM })
  @ApiResponse({ status: 404, ...PROBLEM })
  @ApiResponse({ status: 409, ...PROBLEM })
  create(@Body() body: unknown, @CurrentIdentity() identity: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.forward.to('org-registry', req, reply, identity, body);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read an org unit of your subtree 查看本轄區單位' })
  @ApiParam({ name: 'id', description: 'Org unit id 單位標識' })
  @ApiResponse({ status: 200, schema: OrgUnitViewSchema as object })
  @ApiResponse({ status: 404, ...PROBLEM })
  get(@Param('id') _id: string, @CurrentIdentity() identity: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.forward.to('org-registry', req, reply, identity);
  }
}

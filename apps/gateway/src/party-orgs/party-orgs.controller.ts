import { Controller, Get, Patch, Post, Put, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ClosePartyOrgSchema, CreatePartyOrgSchema, PartyOrgViewSchema, SetAffiliationSchema, UpdatePartyOrgSchema } from '@pb/contracts';
import { ALL_ROLES, CurrentIdentity, OptionalIfMatch, Roles, type Identity } from '@pb/platform';
import { passThrough } from '../upstream/forward.js';
import { UpstreamService } from '../upstream/upstream.service.js';

const PROBLEM = { description: 'application/problem+json' };
const ID = { name: 'id', description: 'Party organisation id 党组织标识' };

/** 党组织 Party organisations, their affiliation and routing. Forwarded to org-registry. */
@ApiTags('party-orgs 党组织')
@ApiBearerAuth()
@Controller('api/v1')
export class PartyOrgsController {
  constructor(private readonly upstream: UpstreamService) {}

  private pass(req: FastifyRequest, reply: FastifyReply, identity: Identity) {
    return passThrough(this.upstream, 'org-registry', req, reply, identity);
  }

  @Get('org-units/:id/party-orgs')
  @Roles(...ALL_ROLES)
  @ApiOperation({ summary: 'Party organisations of a unit 单位的党组织' })
  @ApiParam({ name: 'id', description: 'Org unit id 单位标识' })
  @ApiResponse({ status: 200, schema: { type: 'array', items: PartyOrgViewSchema } as object })
  @ApiResponse({ status: 404, ...PROBLEM })
  ofUnit(@CurrentIdentity() identity: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pass(req, reply, identity);
  }

  @Post('party-orgs')
  @Roles('city-admin', 'county-admin')
  @ApiOperation({
    summary: 'Set up a party organisation 建立党组织',
    description:
      'Committee, general branch or branch at a unit. Affiliation defaults to the nearest bureau above the unit; routing single (that bureau reviews) or both-levels (county and city each review). ' +
      '隶属关系默认为最近的上级教育局；报送方式：单一或市县两级。',
  })
  @ApiBody({ schema: CreatePartyOrgSchema as object })
  @ApiResponse({ status: 201, schema: PartyOrgViewSchema as object })
  @ApiResponse({ status: 404, ...PROBLEM })
  @ApiResponse({ status: 422, ...PROBLEM, description: 'Supervisor not above the unit 主管教育局不在上级' })
  create(@CurrentIdentity() identity: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pass(req, reply, identity);
  }

  @Get('party-orgs/:id')
  @Roles(...ALL_ROLES)
  @ApiOperation({ summary: 'Read a party organisation 查看党组织' })
  @ApiParam(ID)
  @ApiResponse({ status: 200, schema: PartyOrgViewSchema as object })
  @ApiResponse({ status: 404, ...PROBLEM })
  get(@CurrentIdentity() identity: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pass(req, reply, identity);
  }

  @Patch('party-orgs/:id')
  @Roles('city-admin', 'county-admin', 'school-secretary')
  @ApiOperation({
    summary: 'Rename, or change the responsible persons 修改名称或负责人',
    description: 'Bureau administrators and the school secretary. 教育局管理员及学校党组织书记。',
  })
  @ApiParam(ID)
  @ApiBody({ schema: UpdatePartyOrgSchema as object })
  @OptionalIfMatch()
  @ApiResponse({ status: 200, schema: PartyOrgViewSchema as object })
  update(@CurrentIdentity() identity: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pass(req, reply, identity);
  }

  @Put('party-orgs/:id/affiliation')
  @Roles('city-admin', 'county-admin')
  @ApiOperation({ summary: 'Set the affiliation and routing policy 设定隶属关系与报送方式' })
  @ApiParam(ID)
  @ApiBody({ schema: SetAffiliationSchema as object })
  @OptionalIfMatch()
  @ApiResponse({ status: 200, schema: PartyOrgViewSchema as object })
  @ApiResponse({ status: 422, ...PROBLEM })
  setAffiliation(@CurrentIdentity() identity: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pass(req, reply, identity);
  }

  @Post('party-orgs/:id/close')
  @OptionalIfMatch()
  @Roles('city-admin', 'county-admin')
  @ApiOperation({
    summary: 'Close a party organisation 撤销党组织',
    description: 'Refused while members or open organisations remain under it. 尚有党员时拒绝。',
  })
  @ApiParam(ID)
  @ApiBody({ schema: ClosePartyOrgSchema as object })
  @ApiResponse({ status: 200, schema: PartyOrgViewSchema as object })
  @ApiResponse({ status: 409, ...PROBLEM })
  close(@CurrentIdentity() identity: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pass(req, reply, identity);
  }
}

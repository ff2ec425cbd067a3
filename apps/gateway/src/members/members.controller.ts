import { Controller, Get, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MemberViewSchema, PageSchema, RecordMilestoneSchema, RegisterMemberSchema, TransferMemberSchema } from '@pb/contracts';
import { CurrentIdentity, OptionalIfMatch, Roles, type Identity } from '@pb/platform';
import { passThrough } from '../upstream/forward.js';
import { UpstreamService } from '../upstream/upstream.service.js';

const PROBLEM = { description: 'application/problem+json' };
const ID = { name: 'id', description: 'Member record id 党员记录标识' };
const PERSONAL =
  'Personal data: readable only by the branch and its supervising bureaus; analysts get 403 (they see aggregates on the event streams). ' +
  '个人信息仅限所在党组织及其主管教育局查看。';

/** 党员 Members and their development milestones. Forwarded to org-registry. */
@ApiTags('members 党员')
@ApiBearerAuth()
@Controller('api/v1')
export class MembersController {
  constructor(private readonly upstream: UpstreamService) {}

  private pass(req: FastifyRequest, reply: FastifyReply, identity: Identity) {
    return passThrough(this.upstream, 'org-registry', req, reply, identity);
  }

  @Get('party-orgs/:id/members')
  @Roles('city-admin', 'county-admin', 'school-secretary', 'inspector')
  @ApiOperation({ summary: 'Members of a branch 党支部的党员', description: PERSONAL })
  @ApiParam({ name: 'id', description: 'Branch id 党支部标识' })
  @ApiQuery({ name: 'cursor', required: false, schema: { type: 'string', minLength: 1, maxLength: 512, pattern: '^[A-Za-z0-9_-]+$' } })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 500 } })
  @ApiQuery({ name: 'status', required: false, enum: ['applicant', 'activist', 'development-target', 'probationary', 'full'] })
  @ApiResponse({ status: 200, schema: PageSchema(MemberViewSchema) as object })
  @ApiResponse({ status: 403, ...PROBLEM })
  @ApiResponse({ status: 404, ...PROBLEM })
  ofBranch(@CurrentIdentity() identity: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pass(req, reply, identity);
  }

  @Post('party-orgs/:id/members')
  @Roles('city-admin', 'county-admin', 'school-secretary')
  @ApiOperation({
    summary: 'Register a member with the milestones so far 登记党员',
    description:
      'The milestones are checked against the rules of the supervising bureau: a record that breaks one is refused with 422 naming the rule. ' +
      'With imported: true (earlier history) it is accepted and flagged for inspectors instead. 导入的历史记录违规时标记供检查。',
  })
  @ApiParam({ name: 'id', description: 'Branch id 党支部标识' })
  @ApiBody({ schema: RegisterMemberSchema as object })
  @ApiResponse({ status: 201, schema: MemberViewSchema as object })
  @ApiResponse({ status: 422, ...PROBLEM, description: 'Breaks a milestone rule 违反发展程序规则' })
  register(@CurrentIdentity() identity: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pass(req, reply, identity);
  }

  @Get('members/flagged')
  @Roles('city-admin', 'county-admin', 'inspector')
  @ApiOperation({
    summary: 'Records flagged for inspection 待检查的违规记录',
    description: 'Imported histories that break a rule, in your subtree. 供党员发展程序抽查。',
  })
  @ApiQuery({ name: 'cursor', required: false, schema: { type: 'string', minLength: 1, maxLength: 512, pattern: '^[A-Za-z0-9_-]+$' } })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 500 } })
  @ApiResponse({ status: 200, schema: PageSchema(MemberViewSchema) as object })
  flagged(@CurrentIdentity() identity: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pass(req, reply, identity);
  }

  @Get('members/:id')
  @Roles('city-admin', 'county-admin', 'school-secretary', 'inspector')
  @ApiOperation({ summary: 'Read a member record 查看党员记录', description: PERSONAL })
  @ApiParam(ID)
  @ApiResponse({ status: 200, schema: MemberViewSchema as object })
  @ApiResponse({ status: 403, ...PROBLEM })
  @ApiResponse({ status: 404, ...PROBLEM })
  get(@CurrentIdentity() identity: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pass(req, reply, identity);
  }

  @Post('members/:id/milestones')
  @OptionalIfMatch()
  @Roles('city-admin', 'county-admin', 'school-secretary')
  @ApiOperation({
    summary: 'Record the next milestone 记录发展程序节点',
    description: 'Refused with 422 naming the rule when it breaks one. 违反规则时拒绝并指明规则。',
  })
  @ApiParam(ID)
  @ApiBody({ schema: RecordMilestoneSchema as object })
  @ApiResponse({ status: 200, schema: MemberViewSchema as object })
  @ApiResponse({ status: 409, ...PROBLEM })
  @ApiResponse({ status: 422, ...PROBLEM })
  record(@CurrentIdentity() identity: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pass(req, reply, identity);
  }

  @Post('members/:id/transfer')
  @OptionalIfMatch()
  @Roles('city-admin', 'county-admin', 'school-secretary')
  @ApiOperation({
    summary: 'Transfer to another branch 组织关系转接',
    description: 'Milestones, flags and earlier transfers stay with the record. 历史记录保留。',
  })
  @ApiParam(ID)
  @ApiBody({ schema: TransferMemberSchema as object })
  @ApiResponse({ status: 200, schema: MemberViewSchema as object })
  transfer(@CurrentIdentity() identity: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pass(req, reply, identity);
  }
}

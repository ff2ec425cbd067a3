import { Controller, Get, Put, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MilestoneRuleSetSchema } from '@pb/contracts';
import { ALL_ROLES, CurrentIdentity, OptionalIfMatch, Roles, type Identity } from '@pb/platform';
import { passThrough } from '../upstream/forward.js';
import { UpstreamService } from '../upstream/upstream.service.js';

const EFFECTIVE = {
  type: 'object',
  properties: {
    source: { type: 'string', description: 'Bureau whose rules apply, or default' },
    version: { type: 'integer' },
    rules: MilestoneRuleSetSchema,
  },
};

/** 党员发展程序规则 Milestone rules per bureau. Forwarded to org-registry. */
@ApiTags('milestone-rules 发展程序规则')
@ApiBearerAuth()
@Controller('api/v1/org-units/:id/milestone-rules')
export class MilestoneRulesController {
  constructor(private readonly upstream: UpstreamService) {}

  @Get()
  @Roles(...ALL_ROLES)
  @ApiOperation({
    summary: 'Rules in force below a bureau 查看适用的发展程序规则',
    description: "The bureau's own, else the nearest bureau above's, else the default. 本局、上级或默认规则。",
  })
  @ApiParam({ name: 'id', description: 'Bureau id 教育局标识' })
  @ApiResponse({ status: 200, schema: EFFECTIVE as object })
  get(@CurrentIdentity() identity: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return passThrough(this.upstream, 'org-registry', req, reply, identity);
  }

  @Put()
  @OptionalIfMatch()
  @Roles('city-admin', 'county-admin')
  @ApiOperation({
    summary: "Set a bureau's rules 设定发展程序规则",
    description: 'Order, minimum/maximum intervals, minimum age. 顺序、最短/最长间隔、最低年龄。',
  })
  @ApiParam({ name: 'id', description: 'Bureau id 教育局标识' })
  @ApiBody({ schema: MilestoneRuleSetSchema as object })
  @ApiResponse({ status: 200, schema: EFFECTIVE as object })
  set(@CurrentIdentity() identity: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return passThrough(this.upstream, 'org-registry', req, reply, identity);
  }
}

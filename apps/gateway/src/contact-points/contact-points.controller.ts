import { Controller, Get, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ContactPointViewSchema, CreateContactPointSchema, EndContactPointSchema, LogVisitSchema } from '@pb/contracts';
import { ALL_ROLES, CurrentIdentity, OptionalIfMatch, Roles, type Identity } from '@pb/platform';
import { passThrough } from '../upstream/forward.js';
import { UpstreamService } from '../upstream/upstream.service.js';

const PROBLEM = { description: 'application/problem+json' };
const ID = { name: 'id', description: 'Contact point id 联系点标识' };

/** 联系点 Cadres linked to grassroots schools, and their visits. Forwarded to org-registry. */
@ApiTags('contact-points 联系点')
@ApiBearerAuth()
@Controller('api/v1')
export class ContactPointsController {
  constructor(private readonly upstream: UpstreamService) {}

  private pass(req: FastifyRequest, reply: FastifyReply, identity: Identity) {
    return passThrough(this.upstream, 'org-registry', req, reply, identity);
  }

  @Get('org-units/:id/contact-points')
  @Roles(...ALL_ROLES)
  @ApiOperation({ summary: 'Contact points at a school 学校的联系点' })
  @ApiParam({ name: 'id', description: 'School id 学校标识' })
  @ApiResponse({ status: 200, schema: { type: 'array', items: ContactPointViewSchema } as object })
  ofSchool(@CurrentIdentity() identity: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pass(req, reply, identity);
  }

  @Post('contact-points')
  @Roles('city-admin', 'county-admin')
  @ApiOperation({ summary: 'Link a cadre to a grassroots school 建立联系点', description: '三联三进、两挂两互、干部下基层' })
  @ApiBody({ schema: CreateContactPointSchema as object })
  @ApiResponse({ status: 201, schema: ContactPointViewSchema as object })
  @ApiResponse({ status: 422, ...PROBLEM })
  create(@CurrentIdentity() identity: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pass(req, reply, identity);
  }

  @Get('contact-points/:id')
  @Roles(...ALL_ROLES)
  @ApiOperation({ summary: 'Read a contact point with its visits 查看联系点' })
  @ApiParam(ID)
  @ApiResponse({ status: 200, schema: ContactPointViewSchema as object })
  @ApiResponse({ status: 404, ...PROBLEM })
  get(@CurrentIdentity() identity: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pass(req, reply, identity);
  }

  @Post('contact-points/:id/visits')
  @Roles(...ALL_ROLES)
  @ApiOperation({
    summary: 'Log a visit 记录走访',
    description: 'By the cadre or a bureau administrator: date, purpose, outcome. 日期、目的、成效。',
  })
  @ApiParam(ID)
  @ApiBody({ schema: LogVisitSchema as object })
  @ApiResponse({ status: 201, schema: ContactPointViewSchema as object })
  visit(@CurrentIdentity() identity: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pass(req, reply, identity);
  }

  @Post('contact-points/:id/end')
  @OptionalIfMatch()
  @Roles('city-admin', 'county-admin')
  @ApiOperation({ summary: 'End a contact point 结束联系点' })
  @ApiParam(ID)
  @ApiBody({ schema: EndContactPointSchema as object })
  @ApiResponse({ status: 200, schema: ContactPointViewSchema as object })
  end(@CurrentIdentity() identity: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pass(req, reply, identity);
  }
}

import { Body, Controller, Get, Headers, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  CreateContactPointSchema,
  EndContactPointSchema,
  LogVisitSchema,
  type CreateContactPointDto,
  type EndContactPointDto,
  type LogVisitDto,
} from '@pb/contracts';
import { ALL_ROLES, CurrentIdentity, Roles, SchemaPipe, withEtag, type Identity } from '@pb/platform';
import { Scope } from '../common/scope.js';
import { ContactPointsService } from './contact-points.service.js';

@Controller('api/v1')
export class ContactPointsController {
  constructor(private readonly points: ContactPointsService) {}

  @Get('org-units/:id/contact-points')
  @Roles(...ALL_ROLES)
  ofSchool(@Param('id') schoolId: string, @CurrentIdentity() caller: Identity) {
    return this.points.listForSchool(schoolId, Scope.of(caller));
  }

  @Post('contact-points')
  @Roles('city-admin', 'county-admin')
  @HttpCode(201)
  create(
    @Body(new SchemaPipe<CreateContactPointDto>(CreateContactPointSchema)) body: CreateContactPointDto,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
  ) {
    return this.points.create(body, Scope.of(caller), req.id);
  }

  @Get('contact-points/:id')
  @Roles(...ALL_ROLES)
  async get(@Param('id') id: string, @CurrentIdentity() caller: Identity, @Res({ passthrough: true }) reply: FastifyReply) {
    return withEtag(reply, await this.points.get(id, Scope.of(caller)));
  }

  @Post('contact-points/:id/visits')
  @Roles(...ALL_ROLES)
  @HttpCode(201)
  async visit(
    @Param('id') id: string,
    @Body(new SchemaPipe<LogVisitDto>(LogVisitSchema)) body: LogVisitDto,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.points.logVisit(id, body, Scope.of(caller), req.id));
  }

  @Post('contact-points/:id/end')
  @Roles('city-admin', 'county-admin')
  @HttpCode(200)
  async end(
    @Param('id') id: string,
    @Body(new SchemaPipe<EndContactPointDto>(EndContactPointSchema)) body: EndContactPointDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.points.end(id, body, Scope.of(caller), req.id, ifMatch));
  }
}

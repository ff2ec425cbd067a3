import { Body, Controller, Headers, Param, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type CreateContactPointDto, type EndContactPointDto, type LogVisitDto, Routes } from '@pb/contracts';
import { CurrentIdentity, withEtag, type Identity, Handle } from '@pb/platform';
import { Scope } from '../common/scope.js';
import { ContactPointsService } from './contact-points.service.js';

@Controller()
export class ContactPointsController {
  constructor(private readonly points: ContactPointsService) {}

  @Handle(Routes.getOrgUnitsContactPoints)
  ofSchool(@Param('id') schoolId: string, @CurrentIdentity() caller: Identity) {
    return this.points.listForSchool(schoolId, Scope.of(caller));
  }

  @Handle(Routes.postContactPoints)
  create(@Body() body: CreateContactPointDto, @CurrentIdentity() caller: Identity, @Req() req: FastifyRequest) {
    return this.points.create(body, Scope.of(caller), req.id);
  }

  @Handle(Routes.getContactPointsOne)
  async get(@Param('id') id: string, @CurrentIdentity() caller: Identity, @Res({ passthrough: true }) reply: FastifyReply) {
    return withEtag(reply, await this.points.get(id, Scope.of(caller)));
  }

  @Handle(Routes.postContactPointsVisits)
  async visit(
    @Param('id') id: string,
    @Body() body: LogVisitDto,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.points.logVisit(id, body, Scope.of(caller), req.id));
  }

  @Handle(Routes.postContactPointsEnd)
  async end(
    @Param('id') id: string,
    @Body() body: EndContactPointDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.points.end(id, body, Scope.of(caller), req.id, ifMatch));
  }
}

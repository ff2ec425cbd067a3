import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import {
  CreateContactPointSchema,
  EndContactPointSchema,
  LogVisitSchema,
  type CreateContactPointDto,
  type EndContactPointDto,
  type LogVisitDto,
} from '@pb/contracts';
import { ALL_ROLES, CurrentIdentity, Roles, SchemaPipe, type Identity } from '@pb/platform';
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
  get(@Param('id') id: string, @CurrentIdentity() caller: Identity) {
    return this.points.get(id, Scope.of(caller));
  }

  @Post('contact-points/:id/visits')
  @Roles(...ALL_ROLES)
  @HttpCode(201)
  visit(
    @Param('id') id: string,
    @Body(new SchemaPipe<LogVisitDto>(LogVisitSchema)) body: LogVisitDto,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
  ) {
    return this.points.logVisit(id, body, Scope.of(caller), req.id);
  }

  @Post('contact-points/:id/end')
  @Roles('city-admin', 'county-admin')
  @HttpCode(200)
  end(
    @Param('id') id: string,
    @Body(new SchemaPipe<EndContactPointDto>(EndContactPointSchema)) body: EndContactPointDto,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
  ) {
    return this.points.end(id, body, Scope.of(caller), req.id);
  }
}

import { Controller } from '@nestjs/common';
import { Routes } from '@pb/contracts';
import { Handle, Call, type RouteCall } from '@pb/platform';
import { ContactPointsService } from './contact-points.service.js';

@Controller()
export class ContactPointsController {
  constructor(private readonly points: ContactPointsService) {}

  @Handle(Routes.getOrgUnitsContactPoints)
  ofSchool(@Call() call: RouteCall<typeof Routes.getOrgUnitsContactPoints>) {
    return this.points.listForSchool(call.params.id, call.scope);
  }

  @Handle(Routes.postContactPoints)
  create(@Call() call: RouteCall<typeof Routes.postContactPoints>) {
    return this.points.create(call.body, call.scope, call.requestId);
  }

  @Handle(Routes.getContactPointsOne)
  async get(@Call() call: RouteCall<typeof Routes.getContactPointsOne>) {
    return call.versioned(await this.points.get(call.params.id, call.scope));
  }

  @Handle(Routes.postContactPointsVisits)
  async visit(@Call() call: RouteCall<typeof Routes.postContactPointsVisits>) {
    return call.versioned(await this.points.logVisit(call.params.id, call.body, call.scope, call.requestId));
  }

  @Handle(Routes.postContactPointsEnd)
  async end(@Call() call: RouteCall<typeof Routes.postContactPointsEnd>) {
    return call.versioned(await this.points.end(call.params.id, call.body, call.scope, call.requestId, call.ifMatch));
  }
}

import { Controller } from '@nestjs/common';
import { Routes } from '@pb/contracts';
import { Call, Handle, type RouteCall } from '@pb/platform';
import { programmeView, ProgrammesService } from './programmes.service.js';

@Controller()
export class ProgrammesController {
  constructor(private readonly programmes: ProgrammesService) {}

  @Handle(Routes.postTrainingProgrammes)
  create(@Call() call: RouteCall<typeof Routes.postTrainingProgrammes>) {
    return this.programmes.create(call.scope, call.body);
  }

  @Handle(Routes.getTrainingProgrammes)
  list(@Call() call: RouteCall<typeof Routes.getTrainingProgrammes>) {
    return this.programmes.list(call.scope, call.query);
  }

  @Handle(Routes.getTrainingProgrammesOne)
  async get(@Call() call: RouteCall<typeof Routes.getTrainingProgrammesOne>) {
    return programmeView(await this.programmes.open(call.scope, call.params.id));
  }

  @Handle(Routes.postTrainingProgrammesSessions)
  addSession(@Call() call: RouteCall<typeof Routes.postTrainingProgrammesSessions>) {
    return this.programmes.addSession(call.scope, call.params.id, call.body);
  }
}

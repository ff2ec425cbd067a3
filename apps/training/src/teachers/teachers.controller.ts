import { Controller } from '@nestjs/common';
import { Routes } from '@pb/contracts';
import { Call, Handle, type RouteCall } from '@pb/platform';
import { TeachersService } from './teachers.service.js';

@Controller()
export class TeachersController {
  constructor(private readonly teachers: TeachersService) {}

  @Handle(Routes.postTrainingSchoolTeachers)
  async create(@Call() call: RouteCall<typeof Routes.postTrainingSchoolTeachers>) {
    return call.versioned(await this.teachers.create(call.scope, call.params.id, call.body, call.requestId));
  }

  @Handle(Routes.getTrainingSchoolTeachers)
  list(@Call() call: RouteCall<typeof Routes.getTrainingSchoolTeachers>) {
    return this.teachers.list(call.scope, call.params.id, call.query);
  }

  @Handle(Routes.getTrainingTeachersOne)
  async get(@Call() call: RouteCall<typeof Routes.getTrainingTeachersOne>) {
    return call.versioned(await this.teachers.get(call.scope, call.params.id));
  }

  @Handle(Routes.patchTrainingTeachers)
  async update(@Call() call: RouteCall<typeof Routes.patchTrainingTeachers>) {
    return call.versioned(await this.teachers.update(call.scope, call.params.id, call.body, call.ifMatch, call.requestId));
  }
}

import { Controller } from '@nestjs/common';
import { Routes } from '@pb/contracts';
import { Call, Handle, type RouteCall } from '@pb/platform';
import { TrainingTotalsService } from './training-totals.service.js';

@Controller()
export class TrainingTotalsController {
  constructor(private readonly totals: TrainingTotalsService) {}

  @Handle(Routes.getTrainingTotals)
  ofUnit(@Call() call: RouteCall<typeof Routes.getTrainingTotals>) {
    return this.totals.ofUnit(call.scope, call.query.unit, call.query.year);
  }

  @Handle(Routes.getTrainingTeachersTotals)
  ofTeacher(@Call() call: RouteCall<typeof Routes.getTrainingTeachersTotals>) {
    return this.totals.ofTeacher(call.scope, call.params.id, call.query.year);
  }
}

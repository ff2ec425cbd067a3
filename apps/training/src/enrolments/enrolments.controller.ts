import { Controller } from '@nestjs/common';
import { Routes } from '@pb/contracts';
import { Call, Handle, type RouteCall } from '@pb/platform';
import { AttendanceService } from './attendance.service.js';
import { EnrolmentsService } from './enrolments.service.js';

@Controller()
export class EnrolmentsController {
  constructor(
    private readonly enrolments: EnrolmentsService,
    private readonly attendance: AttendanceService,
  ) {}

  @Handle(Routes.postTrainingProgrammesEnrolments)
  enrol(@Call() call: RouteCall<typeof Routes.postTrainingProgrammesEnrolments>) {
    return this.enrolments.enrol(call.scope, call.params.id, call.body.teacherId, call.requestId);
  }

  @Handle(Routes.getTrainingProgrammesEnrolments)
  list(@Call() call: RouteCall<typeof Routes.getTrainingProgrammesEnrolments>) {
    return this.enrolments.list(call.scope, call.params.id, call.query);
  }

  @Handle(Routes.postTrainingProgrammesAttendance)
  attend(@Call() call: RouteCall<typeof Routes.postTrainingProgrammesAttendance>) {
    return this.attendance.record(call.scope, { programmeId: call.params.id, ...call.body }, call.requestId);
  }

  @Handle(Routes.postTrainingProgrammesAssessments)
  assess(@Call() call: RouteCall<typeof Routes.postTrainingProgrammesAssessments>) {
    return this.enrolments.assess(call.scope, call.params.id, call.body, call.requestId);
  }

  @Handle(Routes.postTrainingProgrammesCertifications)
  certify(@Call() call: RouteCall<typeof Routes.postTrainingProgrammesCertifications>) {
    return this.enrolments.certifyByException(call.scope, call.params.id, call.body, call.requestId);
  }
}
